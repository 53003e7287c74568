package conversation_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/uctime"
)

// fakeInbox is a fake service and a client for it, for the examples.
func fakeInbox() (*conversationtest.Server, *conversation.Client, func()) {
	fake, err := conversationtest.New()
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(fake.Handler())
	// The fake has no rate limits: WithoutBudget lets the examples poll
	// every millisecond. Against UltraCart, keep the budget and the
	// default intervals.
	c, err := conversation.NewClient(conversation.WithSimpleKey(fake.Key),
		conversation.WithBaseURL(srv.URL+conversationtest.BasePath), conversation.WithoutBudget())
	if err != nil {
		log.Fatal(err)
	}
	return fake, c, srv.Close
}

// A CRM sync keeps a copy of the inbox: it stores each event with its
// position, and after a restart resumes from the last position stored,
// missing nothing and repeating nothing (here: the sync stops after two
// events, and two more conversations start while it is down).
func ExampleClient_WatchInbox_resume() {
	fake, c, done := fakeInbox()
	defer done()
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	add := func(id string, sec int) {
		if _, err := fake.AddConversation(conversation.Conversation{ConversationUUID: &id, StartDts: uctime.Ptr(start.Add(time.Duration(sec) * time.Second))}); err != nil {
			log.Fatal(err)
		}
	}
	add("a", 0)
	add("b", 1)
	add("c", 1) // the same second as b

	var stored string // the position, as the sync persists it
	sync := func(events int) {
		var opts conversation.InboxOptions // zero: the whole inbox, from the beginning
		if err := opts.Resume.UnmarshalText([]byte(stored)); err != nil {
			log.Fatal(err)
		}
		opts.Interval = time.Millisecond
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for e, err := range c.WatchInbox(ctx, &opts) {
			if errors.Is(err, conversation.ErrInboxBacklog) {
				log.Fatal(err) // says how to resume with more pages
			}
			if err != nil {
				log.Print(err) // a failed poll: keep watching
				continue
			}
			fmt.Println(e.Kind, e.Conversation.GetConversationUUID(), "at", e.Position.Time().Format(time.TimeOnly))
			stored = e.Position.String() // store it with the conversation, in one transaction
			if events--; events == 0 {
				return
			}
		}
	}
	sync(2)
	fmt.Println("-- restart --")
	add("d", 1)
	add("e", 2)
	sync(3)
	// Output:
	// new conversation a at 09:00:00
	// new conversation b at 09:00:01
	// -- restart --
	// new conversation c at 09:00:01
	// new conversation d at 09:00:01
	// new conversation e at 09:00:02
}

// A conversation's history is read once with GetConversationMessagesIter; a follower then
// goes on from the position of the last message read: nothing twice,
// nothing missed in between.
func ExampleClient_GetConversationMessagesIter_resume() {
	fake, c, done := fakeInbox()
	defer done()
	conv, err := fake.AddConversation(conversation.Conversation{Messages: []conversation.ConversationMessage{
		{Body: conversation.Ptr("Hi, where is my order?")}, {Body: conversation.Ptr("Let me check.")},
	}})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	var last conversation.MessagePosition
	for m, err := range c.GetConversationMessagesIter(ctx, conv.GetConversationUUID(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("history:", m.GetBody())
		last = m.Position
	}
	if _, err := fake.AddMessage(conv.GetConversationUUID(), conversation.ConversationMessage{Body: conversation.Ptr("It shipped today.")}); err != nil {
		log.Fatal(err)
	}
	for m, err := range c.FollowConversationMessages(ctx, conv.GetConversationUUID(), &conversation.FollowConversationMessagesOptions{Resume: last, Interval: time.Millisecond}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("new:", m.GetBody())
		break
	}
	// Output:
	// history: Hi, where is my order?
	// history: Let me check.
	// new: It shipped today.
}
