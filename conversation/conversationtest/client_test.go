package conversationtest_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

// The idiomatic client built by NewServer works against the fake end to
// end, uploads included: the PUT to the storage URL carries no UltraCart
// credential.
func TestClientIntegration(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData())
	if srv.Client == nil {
		t.Fatal("NewServer did not build a Client")
	}
	ctx := context.Background()

	var n int
	for s, err := range srv.Client.GetConversationsIter(ctx, &conversation.GetConversationsOptions{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		if s.ConversationUUID == nil {
			t.Fatal("summary without a UUID")
		}
		n++
	}
	if n != 3 {
		t.Errorf("GetConversationsIter: %d, want the 3 demo conversations", n)
	}

	data := []byte("%PDF-1.7 fake")
	u, err := srv.Client.UploadConversationMultimedia(ctx, "pdf", "application/pdf", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("UploadConversationMultimedia: %v", err)
	}
	up, ok := srv.Upload(u.Key)
	if !ok || !bytes.Equal(up.Body, data) || up.ContentType != "application/pdf" {
		t.Fatalf("upload = %+v, %v", up, ok)
	}
	if up.CredentialsSent {
		t.Errorf("the client sent UltraCart credentials to the storage URL")
	}
}
