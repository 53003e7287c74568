package conversationtest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/gen"
)

// Many clients at once: run with -race. State stays consistent and no
// response shares memory with the fake's state.
func TestConcurrentUse(t *testing.T) {
	// The client side validates the responses of c; the fake's own check
	// would only repeat it, on lists that grow with every round.
	srv, c, _ := setup(t, conversationtest.WithoutResponseValidation())
	ctx := context.Background()
	conv := must(srv.AddConversation(gen.Conversation{}))
	id := *conv.ConversationUUID
	must(srv.AddQueueStatus(gen.ConversationWebchatQueueStatus{QueueName: ptr("general")}))

	const workers, rounds = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*8)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				code := fmt.Sprintf("w%d-%d", w, i)
				if r, err := c.InsertConversationCannedMessageWithResponse(ctx, gen.ConversationCannedMessage{ShortCode: ptr(code)}); err != nil || r.StatusCode() != 200 {
					errs <- fmt.Errorf("insert %s: %v", code, err)
				}
				if _, err := srv.AddMessage(id, gen.ConversationMessage{Body: ptr(code)}); err != nil {
					errs <- err
				}
				if r, err := c.GetConversationWithResponse(ctx, id, nil); err != nil || r.StatusCode() != 200 {
					errs <- fmt.Errorf("get: %v", err)
				}
				if r, err := c.GetConversationsWithResponse(ctx, nil); err != nil || r.StatusCode() != 200 {
					errs <- fmt.Errorf("list: %v", err)
				}
				if r, err := c.SearchConversationCannedMessagesWithResponse(ctx, gen.ConversationCannedMessagesSearch{ShortCode: ptr("w")}); err != nil || r.StatusCode() != 200 {
					errs <- fmt.Errorf("search: %v", err)
				}
				status := gen.ConversationAgentStatusAvailable
				if i%2 == 0 {
					status = gen.ConversationAgentStatusBusy
				}
				if r, err := c.UpdateConversationWebchatQueueStatusWithResponse(ctx, "general", gen.ConversationWebchatQueueStatusUpdateRequest{AgentStatus: ptr(status)}); err != nil || r.StatusCode() != 204 {
					errs <- fmt.Errorf("status: %v", err)
				}
				if _, err := c.MarkReadConversationWithResponse(ctx, id); err != nil {
					errs <- err
				}
				// The generic store and its seeding, side by side.
				if q, err := srv.Client.InsertPbxQueue(ctx, &gen.ConversationPbxQueue{Name: ptr(code)}); err != nil {
					errs <- err
				} else {
					q.Say = ptr("hello")
					if _, err := srv.Client.UpdatePbxQueue(ctx, *q.ConversationPbxQueueUUID, q); err != nil {
						errs <- err
					}
					if i%3 == 0 {
						if _, err := srv.Client.DeletePbxQueue(ctx, *q.ConversationPbxQueueUUID); err != nil {
							errs <- err
						}
					}
				}
				if _, err := srv.AddVoicemail("", gen.ConversationPbxVoicemailMessage{}); err != nil {
					errs <- err
				}
				if i%5 == 0 {
					_ = conversationtest.List[gen.ConversationPbxQueue](srv)
				}
				_ = srv.Requests()
				_ = srv.RequestLog()
				_, _ = srv.Conversation(id)
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	cv, _ := srv.Conversation(id)
	if n := len(cv.Messages); n != workers*rounds || int(deref(cv.MessageCount)) != n {
		t.Errorf("%d messages, message_count %d", n, deref(cv.MessageCount))
	}
	seen := map[int64]bool{}
	for i, m := range cv.Messages {
		if seen[*m.MessageEpoch] || (i > 0 && *m.MessageEpoch <= *cv.Messages[i-1].MessageEpoch) {
			t.Fatalf("epochs not unique and increasing at %d", i)
		}
		seen[*m.MessageEpoch] = true
	}
	r, _ := c.GetConversationCannedMessagesWithResponse(ctx)
	oids := map[int32]bool{}
	for _, m := range r.JSON200.ConversationCannedMessages {
		oids[*m.ConversationCannedMessageOid] = true
	}
	if len(oids) != workers*rounds {
		t.Errorf("%d distinct oids, want %d", len(oids), workers*rounds)
	}
	q, _ := srv.QueueStatus("general")
	if len(q.Agents) != 1 || deref(q.AgentCount) != 1 {
		t.Errorf("queue agents = %+v", q.Agents)
	}
	if n := srv.RequestCount("insertConversationCannedMessage"); n != workers*rounds {
		t.Errorf("insert count %d", n)
	}
	deleted := workers * ((rounds + 2) / 3)
	if n := len(conversationtest.List[gen.ConversationPbxQueue](srv)); n != workers*rounds-deleted {
		t.Errorf("%d PBX queues, want %d", n, workers*rounds-deleted)
	}
	if n := len(conversationtest.List[gen.ConversationPbxVoicemailMessage](srv)); n != workers*rounds {
		t.Errorf("%d voicemails, want %d", n, workers*rounds)
	}
}

// What a caller gets back is a copy: changing it does not change the fake.
func TestReturnedValuesAreCopies(t *testing.T) {
	srv, _, _ := setup(t)
	conv := must(srv.AddConversation(gen.Conversation{Participants: []gen.ConversationParticipant{{ConversationParticipantARN: ptr("a")}}}))
	id := *conv.ConversationUUID
	*conv.Participants[0].ConversationParticipantARN = "changed"
	in := gen.ConversationMessage{Body: ptr("original")}
	m, _ := srv.AddMessage(id, in)
	*in.Body = "changed"
	*m.Body = "changed too"
	cv, _ := srv.Conversation(id)
	if *cv.Participants[0].ConversationParticipantARN != "a" || *cv.Messages[0].Body != "original" {
		t.Errorf("state was changed through a returned or passed value: %+v", cv)
	}
}
