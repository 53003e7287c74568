package conversationtest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

// A bot tested end to end without a socket: it picks up customers who
// join the webchat queue and marks their messages read. The test changes
// the fake's state, hands the bot the frame of each change as its socket
// would, and checks what the bot did to the fake through the REST API.
func ExampleServer_Frames() {
	t := &testing.T{} // stands in for the *testing.T of a real test function
	srv := conversationtest.NewServer(t)
	defer srv.Close() // in a real test, t.Cleanup does this
	ctx := context.Background()

	// The code under test: a bot's handlers, which call the API.
	var picked string
	bot := &conversation.WebsocketHandlers{
		OnQueueNewMember: func(ctx context.Context, _ *conversation.WebsocketMessage, e conversation.WebsocketQueueNewMember) error {
			conv, err := srv.Client.StartConversation(ctx, &conversation.ConversationStartRequest{
				ConversationWebchatQueueUUID: e.ConversationWebchatQueueUUID,
			})
			if err != nil {
				return err
			}
			picked = conv.GetConversationUUID()
			return nil
		},
		OnMessage: func(ctx context.Context, msg *conversation.WebsocketMessage, m conversation.ConversationMessage) error {
			fmt.Println("bot reads:", m.GetBody())
			return srv.Client.MarkReadConversation(ctx, msg.ConversationUUID())
		},
	}
	receive := func(frame []byte, err error) {
		if err != nil {
			fmt.Println(err)
			return
		}
		msg, err := conversation.DecodeWebsocketMessage(frame)
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := bot.Dispatch(ctx, msg); err != nil {
			fmt.Println(err)
		}
	}

	// A customer joins the queue.
	q, _ := srv.AddQueueStatus(conversation.ConversationWebchatQueueStatus{
		QueueName: strPtr("support"),
		QueueEntries: []conversation.ConversationWebchatQueueStatusQueueEntry{{
			ConversationParticipantARN:  strPtr("arn:fake:conversation:user/ann"),
			ConversationParticipantName: strPtr("Ann"),
		}},
	})
	receive(srv.Frames().QueueNewMember("support", *q.QueueEntries[0].ConversationWebchatQueueUUID))
	q, _ = srv.QueueStatus("support")
	fmt.Println("waiting after the bot ran:", len(q.QueueEntries))

	// The customer writes in the conversation the bot started.
	m, _ := srv.AddMessage(picked, conversation.ConversationMessage{
		AuthorConversationParticipantARN: strPtr("arn:fake:conversation:user/ann"),
		Body:                             strPtr("Where is my order?"),
	})
	receive(srv.Frames().Message(picked, m))
	conv, _ := srv.Conversation(picked)
	fmt.Println("unread after the bot ran:", *conv.UnreadMessages)
	// Output:
	// waiting after the bot ran: 0
	// bot reads: Where is my order?
	// unread after the bot ran: false
}
