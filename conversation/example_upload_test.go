package conversation_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"strings"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

// servedFake serves conversationtest on a loopback port and returns a
// client for it.
func servedFake(opts ...conversationtest.Option) (*conversationtest.Server, *conversation.Client, func()) {
	fake, err := conversationtest.New(opts...)
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(fake.Handler())
	c, err := conversation.NewClient(conversation.WithSimpleKey(fake.Key),
		conversation.WithBaseURL(srv.URL+conversationtest.BasePath), conversation.WithoutBudget())
	if err != nil {
		log.Fatal(err)
	}
	return fake, c, srv.Close
}

// A greeting for the PBX: upload the audio, then insert a PBX audio whose
// AudioS3ListingKey is the upload's Key.
func ExampleClient_UploadConversationPbxAudio() {
	fake, c, done := servedFake()
	defer done()
	ctx := context.Background()

	mp3 := strings.NewReader("ID3 demo greeting bytes") // an *os.File works the same
	up, err := c.UploadConversationPbxAudio(ctx, ".mp3", "", mp3)
	if err != nil {
		log.Fatal(err)
	}
	audio, err := c.InsertPbxAudio(ctx, &conversation.ConversationPbxAudio{
		Description:       conversation.Ptr("Main greeting"),
		Filename:          conversation.Ptr("greeting.mp3"),
		AudioS3ListingKey: conversation.Ptr(up.Key),
	})
	if err != nil {
		log.Fatal(err)
	}
	stored, _ := fake.Upload(up.Key)
	fmt.Println(up.Size, up.ContentType, stored.CredentialsSent)
	fmt.Println(audio.GetAudioS3ListingKey() == up.Key, audio.GetMimeType())
	// Output:
	// 23 audio/mpeg false
	// true audio/mpeg
}

// A document for an AI agent's knowledge base: upload it, then insert it
// with the upload's URL as PresignedURL.
func ExampleClient_UploadConversationKnowledgeBaseDocument() {
	_, c, done := servedFake(conversationtest.WithDemoData())
	defer done()
	ctx := context.Background()
	const ava = 1003 // the demo data's AI agent

	pdf := bytes.NewReader(bytes.Repeat([]byte("%PDF return policy "), 100))
	up, err := c.UploadConversationKnowledgeBaseDocument(ctx, ava, "pdf", "application/pdf", pdf)
	if err != nil {
		log.Fatal(err)
	}
	doc, err := c.InsertAgentProfileKnowledgeBaseDocument(ctx, ava, &conversation.ConversationInsertKnowledgeBaseDocumentRequest{
		OriginalFileName: conversation.Ptr("exchange-policy.pdf"),
		PresignedURL:     conversation.Ptr(up.URL),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(up.Size, doc.GetS3Key() == up.Key, len(doc.VectorKeys))
	// Output:
	// 1900 true 2
}

// An attachment for a conversation message: its Key goes into the
// message's UploadKeys.
func ExampleClient_UploadConversationMultimedia() {
	fake, c, done := servedFake()
	defer done()

	up, err := c.UploadConversationMultimedia(context.Background(), "png", "", bytes.NewReader([]byte("\x89PNG\r\n\x1a\n...")))
	if err != nil {
		log.Fatal(err)
	}
	msg := conversation.ConversationMessage{Body: conversation.Ptr("Here is the photo"), UploadKeys: []string{up.Key}}
	stored, _ := fake.Upload(up.Key)
	fmt.Println(len(msg.UploadKeys), stored.ContentType, len(stored.Body), stored.CredentialsSent)
	// Printing an UploadedFile hides the URL's signature:
	fmt.Println(strings.Contains(fmt.Sprint(up), "signature="))
	// Output:
	// 1 image/png 11 false
	// false
}
