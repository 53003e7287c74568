package conversation_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// When more messages share one millisecond than the follower may fetch at
// once (1,000; an import can stamp a whole transcript with one time), it
// yields those it got, then an error matching ErrMessagesSkipped, and goes
// on with later messages.
func ExampleClient_FollowConversationMessages_manyInOneMillisecond() {
	const tied = 1200 // messages at epoch 1000
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) {
		since, _ := strconv.ParseInt(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:], 10, 64)
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var msgs []string
		for i := range tied + 1 {
			epoch := int64(1000)
			if i == tied {
				epoch = 2000 // a later message
			}
			if epoch > since && len(msgs) < limit {
				msgs = append(msgs, fmt.Sprintf(`{"conversation_message_uuid":"m%d","message_epoch":%d}`, i, epoch))
			}
		}
		fmt.Fprint(w, `{"success":true,"conversation_messages":[`+strings.Join(msgs, ",")+`]}`)
	})
	defer srv.Close()
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"), conversation.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n := 0
	for m, err := range c.FollowConversationMessages(ctx, "conv-1", &conversation.FollowConversationMessagesOptions{PageSize: 200}) {
		if errors.Is(err, conversation.ErrMessagesSkipped) {
			fmt.Println("after", n, "messages:", err)
			continue
		}
		if err != nil {
			log.Print(err)
			continue
		}
		if n++; *m.MessageEpoch == 2000 {
			fmt.Println("message", n, "is", *m.ConversationMessageUUID)
			break
		}
	}
	// Output:
	// after 1000 messages: conversation: getConversationMessages: at least 1000 messages share epoch 1000, more than one request may fetch: messages skipped
	// message 1001 is m1200
}
