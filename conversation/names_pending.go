package conversation

// The method names from before every method was named by its operationId
// (issue 20: one rule for names). api/openapi.yaml records each one as
// x-go-deprecated-method; until internal/wrapgen writes the deprecated
// wrappers from it, these forward by hand so that programs and the rest of
// the module keep compiling. Delete this file when wrapgen writes them.

import (
	"context"
	"time"
)

// ListConversationsOptions is GetConversationsOptions under its name before
// issue 20.
type ListConversationsOptions = GetConversationsOptions

// MessagesOptions is GetConversationMessagesOptions under its name before
// issue 20.
type MessagesOptions = GetConversationMessagesOptions

// AgentWebsocketAuthorization calls GetAgentWebsocketAuthorization (getAgentWebsocketAuthorization): its name before issue 20.
func (c *Client) AgentWebsocketAuthorization(ctx context.Context, callOpts ...CallOption) (*ConversationAgentAuth, error) {
	return c.GetAgentWebsocketAuthorization(ctx, callOpts...)
}

// AutocompleteConversations calls GetConversationsAutocomplete (getConversationsAutocomplete): its name before issue 20.
func (c *Client) AutocompleteConversations(ctx context.Context, autocompleteRequest *ConversationAutocompleteRequest, callOpts ...CallOption) (*ConversationAutocompleteResponse, error) {
	return c.GetConversationsAutocomplete(ctx, autocompleteRequest, callOpts...)
}

// CannedMessages calls GetConversationCannedMessages (getConversationCannedMessages): its name before issue 20.
func (c *Client) CannedMessages(ctx context.Context, callOpts ...CallOption) ([]ConversationCannedMessage, error) {
	return c.GetConversationCannedMessages(ctx, callOpts...)
}

// DeleteCannedMessage calls DeleteConversationCannedMessage (deleteConversationCannedMessage): its name before issue 20.
func (c *Client) DeleteCannedMessage(ctx context.Context, conversationCannedMessageOid int, callOpts ...CallOption) error {
	return c.DeleteConversationCannedMessage(ctx, conversationCannedMessageOid, callOpts...)
}

// DepartmentMembers calls GetConversationDepartmentMemberList (getConversationDepartmentMemberList): its name before issue 20.
func (c *Client) DepartmentMembers(ctx context.Context, callOpts ...CallOption) ([]ConversationDepartmentMember, error) {
	return c.GetConversationDepartmentMemberList(ctx, callOpts...)
}

// Departments calls GetConversationDepartments (getConversationDepartments): its name before issue 20.
func (c *Client) Departments(ctx context.Context, callOpts ...CallOption) ([]ConversationDepartment, error) {
	return c.GetConversationDepartments(ctx, callOpts...)
}

// Engagements calls GetConversationEngagements (getConversationEngagements): its name before issue 20.
func (c *Client) Engagements(ctx context.Context, callOpts ...CallOption) ([]ConversationEngagement, error) {
	return c.GetConversationEngagements(ctx, callOpts...)
}

// GetEngagement calls GetConversationEngagement (getConversationEngagement): its name before issue 20.
func (c *Client) GetEngagement(ctx context.Context, conversationEngagementOid int, callOpts ...CallOption) (*ConversationEngagement, error) {
	return c.GetConversationEngagement(ctx, conversationEngagementOid, callOpts...)
}

// InsertCannedMessage calls InsertConversationCannedMessage (insertConversationCannedMessage): its name before issue 20.
func (c *Client) InsertCannedMessage(ctx context.Context, cannedMessage *ConversationCannedMessage, callOpts ...CallOption) (*ConversationCannedMessage, error) {
	return c.InsertConversationCannedMessage(ctx, cannedMessage, callOpts...)
}

// InsertDepartment calls InsertConversationDepartment (insertConversationDepartment): its name before issue 20.
func (c *Client) InsertDepartment(ctx context.Context, department *ConversationDepartment, callOpts ...CallOption) (*ConversationDepartment, error) {
	return c.InsertConversationDepartment(ctx, department, callOpts...)
}

// InsertEngagement calls InsertConversationEngagement (insertConversationEngagement): its name before issue 20.
func (c *Client) InsertEngagement(ctx context.Context, engagement *ConversationEngagement, callOpts ...CallOption) (*ConversationEngagement, error) {
	return c.InsertConversationEngagement(ctx, engagement, callOpts...)
}

// ItemVariations calls GetConversationItemVariations (getConversationItemVariations): its name before issue 20.
func (c *Client) ItemVariations(ctx context.Context, merchantItemID string, callOpts ...CallOption) (*Item, error) {
	return c.GetConversationItemVariations(ctx, merchantItemID, callOpts...)
}

// KeepAlive calls GetAgentKeepAlive (getAgentKeepAlive): its name before issue 20.
func (c *Client) KeepAlive(ctx context.Context, callOpts ...CallOption) error {
	return c.GetAgentKeepAlive(ctx, callOpts...)
}

// KnowledgeBaseDocumentUploadURL calls GetConversationKnowledgeBaseDocumentUploadURL (getConversationKnowledgeBaseDocumentUploadUrl): its name before issue 20.
func (c *Client) KnowledgeBaseDocumentUploadURL(ctx context.Context, userID int, extension string, callOpts ...CallOption) (*ConversationKnowledgeBaseDocumentUploadURL, error) {
	return c.GetConversationKnowledgeBaseDocumentUploadURL(ctx, userID, extension, callOpts...)
}

// ListConversations calls GetConversations (getConversations): its name before issue 20.
func (c *Client) ListConversations(ctx context.Context, opts *GetConversationsOptions, callOpts ...CallOption) (*Page[ConversationSummary], error) {
	return c.GetConversations(ctx, opts, callOpts...)
}

// LocationsForEngagement calls GetLocationsForEngagement (getLocationsForEngagement): its name before issue 20.
func (c *Client) LocationsForEngagement(ctx context.Context, callOpts ...CallOption) ([]ConversationLocationCountry, error) {
	return c.GetLocationsForEngagement(ctx, callOpts...)
}

// MarkPbxAgentVoicemailListened calls ListenedPbxAgentVoicemail (listenedPbxAgentVoicemail): its name before issue 20.
func (c *Client) MarkPbxAgentVoicemailListened(ctx context.Context, recordingSid string, callOpts ...CallOption) error {
	return c.ListenedPbxAgentVoicemail(ctx, recordingSid, callOpts...)
}

// MarkPbxQueueVoicemailListened calls ListenedPbxQueueVoicemail (listenedPbxQueueVoicemail): its name before issue 20.
func (c *Client) MarkPbxQueueVoicemailListened(ctx context.Context, queueUUID string, recordingSid string, callOpts ...CallOption) error {
	return c.ListenedPbxQueueVoicemail(ctx, queueUUID, recordingSid, callOpts...)
}

// MarkRead calls MarkReadConversation (markReadConversation): its name before issue 20.
func (c *Client) MarkRead(ctx context.Context, conversationUUID string, callOpts ...CallOption) error {
	return c.MarkReadConversation(ctx, conversationUUID, callOpts...)
}

// Messages calls GetConversationMessages (getConversationMessages): its name before issue 20.
func (c *Client) Messages(ctx context.Context, conversationUUID string, since time.Time, opts *GetConversationMessagesOptions, callOpts ...CallOption) ([]ConversationMessage, error) {
	return c.GetConversationMessages(ctx, conversationUUID, since, opts, callOpts...)
}

// MultimediaUploadURL calls GetConversationMultimediaUploadURL (getConversationMultimediaUploadUrl): its name before issue 20.
func (c *Client) MultimediaUploadURL(ctx context.Context, extension string, callOpts ...CallOption) (*ConversationMultimediaUploadURL, error) {
	return c.GetConversationMultimediaUploadURL(ctx, extension, callOpts...)
}

// PbxAudioUploadURL calls GetConversationPbxAudioUploadURL (getConversationPbxAudioUploadUrl): its name before issue 20.
func (c *Client) PbxAudioUploadURL(ctx context.Context, extension string, callOpts ...CallOption) (*ConversationPbxAudioUploadURL, error) {
	return c.GetConversationPbxAudioUploadURL(ctx, extension, callOpts...)
}

// PbxCustomerSnapshot calls GetConversationPbxCustomerSnapshot (getConversationPbxCustomerSnapshot): its name before issue 20.
func (c *Client) PbxCustomerSnapshot(ctx context.Context, pbxCustomerSnapshotRequest *ConversationPbxCustomerSnapshotRequest, callOpts ...CallOption) (*ConversationPbxCustomerSnapshotResponse, error) {
	return c.GetConversationPbxCustomerSnapshot(ctx, pbxCustomerSnapshotRequest, callOpts...)
}

// Permissions calls GetConversationPermissions (getConversationPermissions): its name before issue 20.
func (c *Client) Permissions(ctx context.Context, callOpts ...CallOption) (*ConversationPermissions, error) {
	return c.GetConversationPermissions(ctx, callOpts...)
}

// RegeneratePbxHardwarePhonePassword calls RegeneratePasswordForPbxHardwarePhone (regeneratePasswordForPbxHardwarePhone): its name before issue 20.
func (c *Client) RegeneratePbxHardwarePhonePassword(ctx context.Context, conversationPbxHardwarePhoneUUID string, pbxHardwarePhone *ConversationPbxHardwarePhone, callOpts ...CallOption) (*ConversationPbxHardwarePhone, error) {
	return c.RegeneratePasswordForPbxHardwarePhone(ctx, conversationPbxHardwarePhoneUUID, pbxHardwarePhone, callOpts...)
}

// ResetPbxQueueStatistics calls ResetConversationPbxQueueStatistics (resetConversationPbxQueueStatistics): its name before issue 20.
func (c *Client) ResetPbxQueueStatistics(ctx context.Context, queueUUID string, callOpts ...CallOption) error {
	return c.ResetConversationPbxQueueStatistics(ctx, queueUUID, callOpts...)
}

// SMSUnsubscribeConversation calls SmsUnsubscribeConversation (smsUnsubscribeConversation): its name before issue 20.
func (c *Client) SMSUnsubscribeConversation(ctx context.Context, conversationUUID string, callOpts ...CallOption) error {
	return c.SmsUnsubscribeConversation(ctx, conversationUUID, callOpts...)
}

// SearchCannedMessages calls SearchConversationCannedMessages (searchConversationCannedMessages): its name before issue 20.
func (c *Client) SearchCannedMessages(ctx context.Context, searchRequest *ConversationCannedMessagesSearch, callOpts ...CallOption) ([]ConversationCannedMessage, error) {
	return c.SearchConversationCannedMessages(ctx, searchRequest, callOpts...)
}

// SearchConversations calls GetConversationsSearch (getConversationsSearch): its name before issue 20.
func (c *Client) SearchConversations(ctx context.Context, searchRequest *ConversationSearchRequest, callOpts ...CallOption) (*ConversationSearchResponse, error) {
	return c.GetConversationsSearch(ctx, searchRequest, callOpts...)
}

// UpdateCannedMessage calls UpdateConversationCannedMessage (updateConversationCannedMessage): its name before issue 20.
func (c *Client) UpdateCannedMessage(ctx context.Context, conversationCannedMessageOid int, cannedMessage *ConversationCannedMessage, callOpts ...CallOption) (*ConversationCannedMessage, error) {
	return c.UpdateConversationCannedMessage(ctx, conversationCannedMessageOid, cannedMessage, callOpts...)
}

// UpdateDepartment calls UpdateConversationDepartment (updateConversationDepartment): its name before issue 20.
func (c *Client) UpdateDepartment(ctx context.Context, conversationDepartmentOid int, department *ConversationDepartment, callOpts ...CallOption) (*ConversationDepartment, error) {
	return c.UpdateConversationDepartment(ctx, conversationDepartmentOid, department, callOpts...)
}

// UpdateEngagement calls UpdateConversationEngagement (updateConversationEngagement): its name before issue 20.
func (c *Client) UpdateEngagement(ctx context.Context, conversationEngagementOid int, engagement *ConversationEngagement, callOpts ...CallOption) (*ConversationEngagement, error) {
	return c.UpdateConversationEngagement(ctx, conversationEngagementOid, engagement, callOpts...)
}

// UpdateWebchatQueueStatus calls UpdateConversationWebchatQueueStatus (updateConversationWebchatQueueStatus): its name before issue 20.
func (c *Client) UpdateWebchatQueueStatus(ctx context.Context, queueName string, statusRequest *ConversationWebchatQueueStatusUpdateRequest, callOpts ...CallOption) error {
	return c.UpdateConversationWebchatQueueStatus(ctx, queueName, statusRequest, callOpts...)
}

// WebchatContext calls GetConversationContext (getConversationContext): its name before issue 20.
func (c *Client) WebchatContext(ctx context.Context, conversationUUID string, callOpts ...CallOption) (*ConversationWebchatContext, error) {
	return c.GetConversationContext(ctx, conversationUUID, callOpts...)
}

// WebchatQueueStatuses calls GetConversationWebchatQueueStatuses (getConversationWebchatQueueStatuses): its name before issue 20.
func (c *Client) WebchatQueueStatuses(ctx context.Context, callOpts ...CallOption) ([]ConversationWebchatQueueStatus, error) {
	return c.GetConversationWebchatQueueStatuses(ctx, callOpts...)
}
