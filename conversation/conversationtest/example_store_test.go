package conversationtest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

// Add seeds any kind the fake keeps, here a PBX queue, which the code under
// test then reads through the API; voicemails and call records have
// helpers of their own. List shows what the code under test left behind.
func ExampleAdd() {
	t := &testing.T{} // stands in for the *testing.T of a real test function
	srv := conversationtest.NewServer(t)
	defer srv.Close()
	ctx := context.Background()

	q, err := conversationtest.Add(srv, conversation.ConversationPbxQueue{Name: conversation.Ptr("Support line")})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := srv.AddVoicemail(q.GetConversationPbxQueueUUID(), conversation.ConversationPbxVoicemailMessage{
		From: conversation.Ptr("+15555550123"), TranscriptText: conversation.Ptr("Please call me back."),
	}); err != nil {
		fmt.Println(err)
		return
	}

	// The code under test.
	vms, err := srv.Client.GetPbxQueueVoicemails(ctx, q.GetConversationPbxQueueUUID())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, vm := range vms {
		fmt.Println("voicemail from", vm.GetFrom())
		if err := srv.Client.ListenedPbxQueueVoicemail(ctx, q.GetConversationPbxQueueUUID(), vm.GetRecordingSid()); err != nil {
			fmt.Println(err)
		}
	}

	left := conversationtest.ListUnder[conversation.ConversationPbxVoicemailMessage](srv, q.GetConversationPbxQueueUUID())
	fmt.Println("listened:", left[0].GetListened())

	// What the official SDKs could not read is refused when seeded.
	_, err = conversationtest.Add(srv, conversation.ConversationPbxQueue{SayVoice: conversation.Ptr(conversation.ConversationPbxVoice("robot"))})
	fmt.Println(err != nil)
	// Output:
	// voicemail from +15555550123
	// listened: true
	// true
}

// A seed document sets up the standalone fake (ultracart-fake -seed) or a
// test alike: identifiers given in it are kept, so objects can name each
// other.
func ExampleWithSeedJSON() {
	t := &testing.T{}
	srv := conversationtest.NewServer(t, conversationtest.WithSeedJSON([]byte(`{
		"pbx_queues": [{"conversation_pbx_queue_uuid": "q-1", "name": "Sales line"}],
		"pbx_phone_numbers": [{"phone_number": "+16145550150", "action": "queue", "action_target": "q-1"}]
	}`)))
	defer srv.Close()
	numbers, err := srv.Client.GetPbxPhoneNumbers(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	q, err := srv.Client.GetPbxQueue(context.Background(), numbers[0].GetActionTarget())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(numbers[0].GetPhoneNumber(), "rings", q.GetName())
	// Output:
	// +16145550150 rings Sales line
}

// With the ready-made client's retries off, a test sees the 429 it
// injects instead of the retry that absorbs it.
func ExampleWithClientOptions() {
	t := &testing.T{}
	srv := conversationtest.NewServer(t, conversationtest.WithClientOptions(conversation.WithoutRetries()))
	defer srv.Close()

	srv.FailNext(1, conversationtest.RateLimited(0))
	_, err := srv.Client.GetPbxAgents(context.Background())
	fmt.Println(errors.Is(err, conversation.ErrRateLimited))
	// Output:
	// true
}

// Call records seeded with AddCall are what searchPbxCalls pages through.
func ExampleServer_AddCall() {
	t := &testing.T{}
	srv := conversationtest.NewServer(t)
	defer srv.Close()
	for _, name := range []string{"Ann", "Bob"} {
		if _, err := srv.AddCall(conversation.ConversationPbxCall{CustomerName: conversation.Ptr(name), Status: conversation.Ptr("completed")}); err != nil {
			fmt.Println(err)
			return
		}
	}
	page, err := srv.Client.SearchPbxCalls(context.Background(), &conversation.ConversationPbxCallSearchRequest{CustomerName: conversation.Ptr("bo")},
		&conversation.SearchPbxCallsOptions{Sort: "customer_name"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(page.Items), page.Items[0].GetCustomerName(), page.More())
	// Output:
	// 1 Bob false
}
