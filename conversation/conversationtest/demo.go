package conversationtest

import (
	_ "embed"
	"errors"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/uctime"
)

// demoJSON is the demo data that does not depend on the time: departments,
// canned messages, engagements, agent profiles and the PBX, in the format
// of WithSeedJSON, with fixed identifiers so that objects can name each
// other.
//
//go:embed data/demo.json
var demoJSON []byte

// seedDemo fills an empty server with the data set WithDemoData promises:
// demoJSON, then the conversations and the webchat queue, dated from now.
// Everything is fictional: example.com addresses and 555-01xx numbers.
func (s *Server) seedDemo() error {
	if err := s.seedJSON(demoJSON); err != nil {
		return err
	}
	now := s.now()
	agent := gen.ConversationParticipant{
		ConversationParticipantARN:  ptr(s.cfg.agentARN),
		ConversationParticipantName: ptr(s.cfg.agentName),
		Status:                      ptr("joined"),
	}
	customer := func(arn, name, email, phone string) gen.ConversationParticipant {
		p := gen.ConversationParticipant{
			ConversationParticipantARN:  ptr(arn),
			ConversationParticipantName: ptr(name),
			Status:                      ptr("joined"),
		}
		if email != "" {
			p.Email = ptr(email)
		}
		if phone != "" {
			p.SmsPhoneNumber = ptr(phone)
		}
		return p
	}
	msg := func(author gen.ConversationParticipant, body string, ago time.Duration) gen.ConversationMessage {
		return gen.ConversationMessage{
			AuthorConversationParticipantARN:  author.ConversationParticipantARN,
			AuthorConversationParticipantName: author.ConversationParticipantName,
			Body:                              ptr(body),
			MessageDts:                        uctime.Ptr(now.Add(-ago)),
		}
	}

	var errs []error
	add := func(c gen.Conversation) {
		_, err := s.AddConversation(c)
		errs = append(errs, err)
	}
	jane := customer("arn:fake:conversation:user/customer-jane", "Jane Doe", "jane.doe@example.com", "")
	sam := customer("arn:fake:conversation:user/customer-sam", "Sam Smith", "", "+15555550123")
	lee := customer("arn:fake:conversation:user/customer-lee", "Lee Park", "lee.park@example.com", "")

	add(gen.Conversation{
		Medium:       ptr(gen.ConversationMediumWebsocket),
		StartDts:     uctime.Ptr(now.Add(-20 * time.Minute)),
		Participants: []gen.ConversationParticipant{agent, jane},
		Messages: []gen.ConversationMessage{
			msg(jane, "Hi, does the blue T-shirt run small?", 19*time.Minute),
			msg(agent, "It runs true to size. Most customers take their usual size.", 18*time.Minute),
			msg(jane, "Great, and can I still get it by Friday?", 5*time.Minute),
		},
	})
	add(gen.Conversation{
		Medium:       ptr(gen.ConversationMediumSms),
		StartDts:     uctime.Ptr(now.Add(-26 * time.Hour)),
		Participants: []gen.ConversationParticipant{agent, sam},
		Messages: []gen.ConversationMessage{
			msg(sam, "Where is my order?", 26*time.Hour),
			msg(agent, "It shipped this morning; the tracking link is in your email.", 25*time.Hour),
			msg(sam, "Got it, thanks!", 24*time.Hour),
		},
	})
	add(gen.Conversation{
		Medium:       ptr(gen.ConversationMediumWebsocket),
		StartDts:     uctime.Ptr(now.Add(-72 * time.Hour)),
		Closed:       ptr(true),
		Participants: []gen.ConversationParticipant{agent, lee},
		Messages: []gen.ConversationMessage{
			msg(lee, "Do you ship to Canada?", 72*time.Hour),
			msg(agent, "We do: 5 to 8 business days.", 71*time.Hour),
		},
	})

	_, err := s.AddQueueStatus(gen.ConversationWebchatQueueStatus{
		QueueName: ptr("general"),
		Agents: []gen.ConversationWebchatQueueStatusAgent{
			{
				AgentStatus:                 ptr(gen.ConversationAgentStatusAvailable),
				ConversationParticipantARN:  ptr(s.cfg.agentARN),
				ConversationParticipantName: ptr(s.cfg.agentName),
				NextRoundRobin:              ptr(true),
			},
			{
				AgentStatus:                 ptr(gen.ConversationAgentStatusBusy),
				ConversationParticipantARN:  ptr("arn:fake:conversation:user/agent-riley"),
				ConversationParticipantName: ptr("Riley Agent"),
				NextRoundRobin:              ptr(false),
			},
		},
		QueueEntries: []gen.ConversationWebchatQueueStatusQueueEntry{{
			ConversationParticipantARN:  ptr("arn:fake:conversation:user/customer-alex"),
			ConversationParticipantName: ptr("Alex Kim"),
			Email:                       ptr("alex.kim@example.com"),
			JoinDts:                     uctime.Ptr(now.Add(-2 * time.Minute)),
			ParticipantLanguageIsoCode:  ptr("en"),
			Question:                    ptr("Can I change the size on my order?"),
		}},
		CustomerActiveCount:               ptr(int32(1)),
		CustomerChatCount:                 ptr(int32(14)),
		CustomerAbandonCount:              ptr(int32(1)),
		CustomerAverageChatTimeSeconds:    ptr(int32(312)),
		CustomerAverageHoldTimeSeconds:    ptr(int32(45)),
		CustomerAverageAbandonTimeSeconds: ptr(int32(120)),
		CustomerWaitingJoinDts:            uctime.Ptr(now.Add(-2 * time.Minute)),
	})
	return errors.Join(append(errs, err)...)
}
