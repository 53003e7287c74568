package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

func TestQuickstartAgainstEmbeddedFake(t *testing.T) {
	t.Setenv(conversation.EnvSimpleKey, "")
	t.Setenv(conversation.EnvBearerToken, "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"Fake UltraCart service at http://127.0.0.1:",
		`department "Support": Fake Agent, Riley Agent, Ava`,
		`phone number +16145550100 routes incoming calls (action "time based")`,
		`PBX queue "Support line": 2 agents, voicemail true`,
		"my agent profile: Fake Agent, up to 5 chats at once, available when I sign in",
		"joined it",
		`new message from Jane Doe: "Hello! Is my order shipped yet?"`,
		"marked it read",
		"uploaded an image: key ",
		"left the conversation",
		`PBX queue "Support line" now holds callers up to 300s`,
		"read an engagement that does not exist: 400",
		"Done.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestQuickstartReadOnlyWithKey(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData())
	t.Setenv(conversation.EnvSimpleKey, srv.Key)
	t.Setenv(conversation.EnvBaseURL, srv.URL)
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	// Four requests from the default budget's burst of 100.
	if !strings.Contains(out.String(), "Read-only tour of "+srv.URL) || !strings.Contains(out.String(), "• conversation ") ||
		!strings.Contains(out.String(), "• rate budget: 96 requests can go now (1000 an hour, 10000 a day)") {
		t.Errorf("unexpected output:\n%s", out.String())
	}
	if strings.Contains(out.String(), srv.Key) {
		t.Error("output shows the key")
	}
	for op, n := range srv.Requests() {
		switch op {
		case "getConversationWebchatQueueStatuses", "getConversationDepartments", "getConversationCannedMessages", "getConversations":
		default:
			t.Errorf("read-only mode called %s (%d times)", op, n)
		}
	}
}

func TestQuickstartFailsClearlyOnBadKey(t *testing.T) {
	srv := conversationtest.NewServer(t)
	t.Setenv(conversation.EnvSimpleKey, "wrong-key")
	t.Setenv(conversation.EnvBaseURL, srv.URL)
	err := run(context.Background(), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("err = %v, want a 401", err)
	}
}
