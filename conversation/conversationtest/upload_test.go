package conversationtest_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

func put(t *testing.T, u string, body []byte, header map[string]string) (int, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

func TestUploadRoundTrip(t *testing.T) {
	srv, c, _ := setup(t)
	r, err := c.GetConversationMultimediaUploadURLWithResponse(context.Background(), ".JPG")
	if err != nil || r.JSON200 == nil {
		t.Fatalf("%v %s", err, r.Body)
	}
	key := *r.JSON200.ConversationMultimediaUploadURL.Key
	u := *r.JSON200.ConversationMultimediaUploadURL.URL
	if !strings.HasSuffix(key, ".jpg") {
		t.Errorf("key = %q", key)
	}
	if _, ok := srv.Upload(key); ok {
		t.Errorf("upload exists before the PUT")
	}
	content := bytes.Repeat([]byte{0xff, 0xd8, 0x00}, 1000)
	status, hdr := put(t, u, content, map[string]string{"Content-Type": "image/jpeg"})
	if status != 200 || hdr.Get("ETag") == "" {
		t.Fatalf("PUT: %d %v", status, hdr)
	}
	up, ok := srv.Upload(key)
	if !ok || !bytes.Equal(up.Body, content) || up.ContentType != "image/jpeg" || up.CredentialsSent || up.Puts != 1 {
		t.Errorf("upload = %+v", up)
	}
	if got := srv.Uploads(); len(got) != 1 || got[0].Key != key {
		t.Errorf("Uploads = %+v", got)
	}
	// It can be read back without credentials.
	resp, err := http.Get(strings.Split(u, "?")[0])
	if err != nil {
		t.Fatal(err)
	}
	back, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(back, content) || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("GET back: %d bytes, %q", len(back), resp.Header.Get("Content-Type"))
	}
	if n := srv.RequestCount(conversationtest.UploadOperation); n != 1 {
		t.Errorf("upload count %d", n)
	}
}

func TestUploadCredentialsAreRecorded(t *testing.T) {
	srv, c, _ := setup(t)
	r, _ := c.GetConversationMultimediaUploadURLWithResponse(context.Background(), "pdf")
	key := *r.JSON200.ConversationMultimediaUploadURL.Key
	u := *r.JSON200.ConversationMultimediaUploadURL.URL
	if status, _ := put(t, u, []byte("%PDF"), map[string]string{"x-ultracart-simple-key": srv.Key}); status != 200 {
		t.Fatalf("PUT %d", status)
	}
	if up, _ := srv.Upload(key); !up.CredentialsSent {
		t.Errorf("credentials not recorded")
	}

	r, _ = c.GetConversationMultimediaUploadURLWithResponse(context.Background(), "pdf")
	key = *r.JSON200.ConversationMultimediaUploadURL.Key
	u = *r.JSON200.ConversationMultimediaUploadURL.URL
	put(t, u, []byte("%PDF"), map[string]string{"Authorization": "Bearer x"})
	if up, _ := srv.Upload(key); !up.CredentialsSent {
		t.Errorf("Authorization not recorded")
	}
}

func TestUploadRefusals(t *testing.T) {
	srv, c, _ := setup(t)
	r, _ := c.GetConversationMultimediaUploadURLWithResponse(context.Background(), "png")
	key := *r.JSON200.ConversationMultimediaUploadURL.Key
	u, _ := url.Parse(*r.JSON200.ConversationMultimediaUploadURL.URL)

	bad := *u
	bad.RawQuery = "signature=forged"
	if status, _ := put(t, bad.String(), []byte("x"), nil); status != http.StatusForbidden {
		t.Errorf("forged signature: %d", status)
	}
	noSig := *u
	noSig.RawQuery = ""
	if status, _ := put(t, noSig.String(), []byte("x"), nil); status != http.StatusForbidden {
		t.Errorf("no signature: %d", status)
	}
	other := *u
	other.Path = "/upload/conversation/unknown.png"
	if status, _ := put(t, other.String(), []byte("x"), nil); status != http.StatusForbidden {
		t.Errorf("unknown key: %d", status)
	}
	if _, ok := srv.UploadedFile(key); ok {
		t.Errorf("a refused PUT was stored")
	}
	// Uploads can be faulted when named.
	srv.FailNext(1, conversationtest.HTTPStatus(500).For(conversationtest.UploadOperation))
	if status, _ := put(t, u.String(), []byte("x"), nil); status != 500 {
		t.Errorf("faulted upload: %d", status)
	}
	if status, _ := put(t, u.String(), []byte("x"), nil); status != 200 {
		t.Errorf("upload after the fault: %d", status)
	}
	// A fault without an operation does not hit uploads.
	srv.FailNext(1, conversationtest.HTTPStatus(500))
	if status, _ := put(t, u.String(), []byte("y"), nil); status != 200 {
		t.Errorf("unnamed fault hit the upload: %d", status)
	}
	if up, _ := srv.Upload(key); up.Puts != 2 || string(up.Body) != "y" {
		t.Errorf("upload = %+v", up)
	}
}
