package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRun starts the command in-process on a free port, calls the API with
// the printed key, and stops it as a signal would.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-addr", "127.0.0.1:0", "-v"}, pw)
		_ = pw.CloseWithError(err)
		done <- err
	}()

	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var baseURL, key string
	for baseURL == "" || key == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("output ended before the banner: %v", <-done)
			}
			if v, ok := strings.CutPrefix(l, "export ULTRACART_BASE_URL="); ok {
				baseURL = v
			}
			if v, ok := strings.CutPrefix(l, "export ULTRACART_SIMPLE_KEY="); ok {
				key = v
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no banner")
		}
	}
	if !strings.HasPrefix(baseURL, "http://127.0.0.1:") || !strings.HasSuffix(baseURL, "/rest/v2") || key == "" {
		t.Fatalf("base URL %q key %q", baseURL, key)
	}

	req, _ := http.NewRequest(http.MethodGet, baseURL+"/conversation/conversations", nil)
	req.Header.Set("x-ultracart-simple-key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Success       bool              `json:"success"`
		Conversations []json.RawMessage `json:"conversations"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || !body.Success || len(body.Conversations) == 0 {
		t.Fatalf("status %d, %v, %+v (demo data expected)", resp.StatusCode, err, body)
	}
	resp, err = http.Get(baseURL + "/conversation/conversations")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the key: %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	var sawLog, sawStopped bool
	for l := range lines {
		sawLog = sawLog || strings.Contains(l, "GET /rest/v2/conversation/conversations -> 200")
		sawStopped = sawStopped || l == "stopped"
	}
	if !sawLog || !sawStopped {
		t.Errorf("request log %v, stopped %v", sawLog, sawStopped)
	}
}

func TestRunFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // stop at once: only flag handling and startup are tested
	var out strings.Builder
	if err := run(ctx, []string{"-addr", "127.0.0.1:0", "-key", "test-key", "-demo=false"}, &out); err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(out.String(), "ULTRACART_SIMPLE_KEY=test-key") {
		t.Errorf("output %q", out.String())
	}
	if err := run(ctx, []string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	if err := run(ctx, []string{"-nope"}, io.Discard); err == nil {
		t.Errorf("unknown flag: no error")
	}
	if err := run(ctx, []string{"extra"}, io.Discard); err == nil {
		t.Errorf("extra argument: no error")
	}
	if err := run(ctx, []string{"-addr", "256.0.0.1:http"}, io.Discard); err == nil {
		t.Errorf("bad address: no error")
	}
	if err := run(ctx, []string{"-key", " "}, io.Discard); err == nil {
		t.Errorf("blank key: no error")
	}
}
