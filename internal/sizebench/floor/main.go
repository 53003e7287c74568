// Command floor fetches one conversation with net/http and encoding/json
// only: the least a Go program links to make the call that the wrapper
// program makes through conversation.Client. internal/sizebench/cmd
// compares the two.
//
// It decodes into hand-written structs equivalent to the generated models of
// ConversationResponse (every field of the v4 reference, pointers for
// optional values, time.Time for date-times), not into a map: the floor
// should do the same decoding work as the wrapper, with the type information
// a typed client carries, and nothing more. A map would skip the typed
// decoding and make the floor unrealistically small and slow in other ways.
//
//	floor [BASE_URL]   (or SIZEBENCH_BASE_URL)
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/ultracart-community/ultracart-go/internal/sizebench"
)

func main() {
	if err := run(os.Args, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	base, err := sizebench.BaseURL(args)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/conversation/conversations/"+sizebench.ConversationUUID, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-UltraCart-Api-Version", "2017-03-01")
	req.Header.Set("X-UltraCart-Simple-Key", sizebench.SimpleKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("getConversation: %s", resp.Status)
	}
	var r conversationResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return fmt.Errorf("getConversation: %w", err)
	}
	if r.Conversation == nil || r.Conversation.ConversationUUID == nil {
		return fmt.Errorf("getConversation: no conversation in the response")
	}
	_, err = fmt.Fprintf(out, "%s: %d messages\n", *r.Conversation.ConversationUUID, len(r.Conversation.Messages))
	return err
}

// The response, as a hand-written client declares it.
type (
	conversationResponse struct {
		Conversation *conversation     `json:"conversation,omitempty"`
		Error        *apiError         `json:"error,omitempty"`
		Metadata     *responseMetadata `json:"metadata,omitempty"`
		Success      *bool             `json:"success,omitempty"`
		Warning      *warning          `json:"warning,omitempty"`
	}
	conversation struct {
		BaseLanguageIsoCode                  *string                   `json:"base_language_iso_code,omitempty"`
		Closed                               *bool                     `json:"closed,omitempty"`
		ConversationARN                      *string                   `json:"conversation_arn,omitempty"`
		ConversationUUID                     *string                   `json:"conversation_uuid,omitempty"`
		CustomerFirstMessageUnrespondedToDts *time.Time                `json:"customer_first_message_unresponded_to_dts,omitempty"`
		LastConversationMessageBody          *string                   `json:"last_conversation_message_body,omitempty"`
		LastConversationParticipantARN       *string                   `json:"last_conversation_participant_arn,omitempty"`
		LastConversationParticipantName      *string                   `json:"last_conversation_participant_name,omitempty"`
		LastInteractiveMessageDts            *time.Time                `json:"last_interactive_message_dts,omitempty"`
		LastMessageDts                       *time.Time                `json:"last_message_dts,omitempty"`
		Medium                               *string                   `json:"medium,omitempty"`
		MerchantID                           *string                   `json:"merchant_id,omitempty"`
		MessageCount                         *int32                    `json:"message_count,omitempty"`
		Messages                             []conversationMessage     `json:"messages,omitempty"`
		Participants                         []conversationParticipant `json:"participants,omitempty"`
		Sentiment                            *conversationSentiment    `json:"sentiment,omitempty"`
		StartDts                             *time.Time                `json:"start_dts,omitempty"`
		UnreadMessages                       *bool                     `json:"unread_messages,omitempty"`
		VirtualAgent                         *bool                     `json:"virtual_agent,omitempty"`
		VirtualAgentCost                     *float64                  `json:"virtual_agent_cost,omitempty"`
		Visible                              *bool                     `json:"visible,omitempty"`
	}
	conversationMessage struct {
		AuthorConversationParticipantARN  *string           `json:"author_conversation_participant_arn,omitempty"`
		AuthorConversationParticipantName *string           `json:"author_conversation_participant_name,omitempty"`
		Body                              *string           `json:"body,omitempty"`
		ClientMessageID                   *string           `json:"client_message_id,omitempty"`
		ConversationMessageUUID           *string           `json:"conversation_message_uuid,omitempty"`
		DelayUntilDts                     *time.Time        `json:"delay_until_dts,omitempty"`
		LanguageIsoCode                   *string           `json:"language_iso_code,omitempty"`
		MediaURLs                         []string          `json:"media_urls,omitempty"`
		MerchantID                        *string           `json:"merchant_id,omitempty"`
		MessageDts                        *time.Time        `json:"message_dts,omitempty"`
		MessageEpoch                      *int64            `json:"message_epoch,omitempty"`
		MessageType                       *string           `json:"message_type,omitempty"`
		Translations                      []translation     `json:"translations,omitempty"`
		TransportStatuses                 []transportStatus `json:"transport_statuses,omitempty"`
		Type                              *string           `json:"type,omitempty"`
		UploadKeys                        []string          `json:"upload_keys,omitempty"`
	}
	translation struct {
		Body            *string `json:"body,omitempty"`
		LanguageIsoCode *string `json:"language_iso_code,omitempty"`
	}
	transportStatus struct {
		ConversationParticipantARN *string `json:"conversation_participant_arn,omitempty"`
		Status                     *string `json:"status,omitempty"`
	}
	conversationParticipant struct {
		ConversationParticipantARN  *string    `json:"conversation_participant_arn,omitempty"`
		ConversationParticipantName *string    `json:"conversation_participant_name,omitempty"`
		ConversationParticipantUUID *string    `json:"conversation_participant_uuid,omitempty"`
		Email                       *string    `json:"email,omitempty"`
		JoinedDts                   *time.Time `json:"joined_dts,omitempty"`
		LanguageIsoCode             *string    `json:"language_iso_code,omitempty"`
		LastMessageDts              *time.Time `json:"last_message_dts,omitempty"`
		LeftDts                     *time.Time `json:"left_dts,omitempty"`
		ProfileImageURL             *string    `json:"profile_image_url,omitempty"`
		SmsPhoneNumber              *string    `json:"sms_phone_number,omitempty"`
		Status                      *string    `json:"status,omitempty"`
		Timezone                    *string    `json:"timezone,omitempty"`
		UnreadMessages              *int32     `json:"unread_messages,omitempty"`
	}
	conversationSentiment struct {
		LastDetectSentiment *time.Time `json:"last_detect_sentiment,omitempty"`
		Mixed               *float64   `json:"mixed,omitempty"`
		Negative            *float64   `json:"negative,omitempty"`
		Neutral             *float64   `json:"neutral,omitempty"`
		Positive            *float64   `json:"positive,omitempty"`
		Sentiment           *string    `json:"sentiment,omitempty"`
	}
	apiError struct {
		DeveloperMessage *string `json:"developer_message,omitempty"`
		ErrorCode        *string `json:"error_code,omitempty"`
		MoreInfo         *string `json:"more_info,omitempty"`
		ObjectID         *string `json:"object_id,omitempty"`
		UserMessage      *string `json:"user_message,omitempty"`
	}
	responseMetadata struct {
		PayloadName *string    `json:"payload_name,omitempty"`
		ResultSet   *resultSet `json:"result_set,omitempty"`
	}
	resultSet struct {
		Count        *int32 `json:"count,omitempty"`
		Limit        *int32 `json:"limit,omitempty"`
		More         *bool  `json:"more,omitempty"`
		NextOffset   *int32 `json:"next_offset,omitempty"`
		Offset       *int32 `json:"offset,omitempty"`
		TotalRecords *int32 `json:"total_records,omitempty"`
	}
	warning struct {
		MoreInfo       *string `json:"more_info,omitempty"`
		WarningMessage *string `json:"warning_message,omitempty"`
	}
)
