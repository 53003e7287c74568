package api_test

import (
	"go/token"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// idempotency is every operation's x-idempotent, decided one by one: whether
// the client may retry the call after a failure that may have reached the
// service. The rule: GET, PUT and DELETE are idempotent, POST is not; the
// exceptions carry a comment. TestIdempotencyTable checks the table against
// that rule and the reference, TestSpecExtensions the spec against the table.
var idempotency = []struct {
	op, method string
	idempotent bool
}{
	// GET
	{"getAgentKeepAlive", "GET", true},
	{"getAgentProfile", "GET", true},
	{"getAgentStatusConfigs", "GET", true},
	{"getAgentStatusSummary", "GET", true},
	{"getAgentStatusTimeline", "GET", true},
	{"getAgentProfileKnowledgeBase", "GET", true},
	{"getAgentProfileMcp", "GET", true},
	{"getAgentProfileMcpTools", "GET", true},
	{"getAgentProfileMcps", "GET", true},
	{"getAgentProfiles", "GET", true},
	{"getConversation", "GET", true},
	{"getConversationCannedMessages", "GET", true},
	{"getConversationDepartmentMemberList", "GET", true},
	{"getConversationDepartments", "GET", true},
	{"getConversationEngagement", "GET", true},
	{"getConversationEngagements", "GET", true},
	{"getConversationItemVariations", "GET", true},
	{"getConversationKnowledgeBaseDocumentUploadUrl", "GET", true},
	{"getConversationMessages", "GET", true},
	{"getConversationMultimediaUploadUrl", "GET", true},
	{"getConversationPbxAudioUploadUrl", "GET", true},
	{"getConversationPermissions", "GET", true},
	{"getConversationWebchatQueueStatuses", "GET", true},
	{"getConversations", "GET", true},
	{"getPbxAddress", "GET", true},
	{"getPbxAddresses", "GET", true},
	{"getPbxAgent", "GET", true},
	{"getPbxAgentVoicemail", "GET", true},
	{"getPbxAgentVoicemails", "GET", true},
	{"getPbxAgents", "GET", true},
	{"getPbxAudio", "GET", true},
	{"getPbxAudioUsage", "GET", true},
	{"getPbxAudios", "GET", true},
	{"getPbxCall", "GET", true},
	{"getPbxClassOfService", "GET", true},
	{"getPbxClassesOfService", "GET", true},
	{"getPbxCosAuditLogs", "GET", true},
	{"getPbxDefaultTimezone", "GET", true},
	{"getPbxHardwarePhone", "GET", true},
	{"getPbxHardwarePhoneManufacturers", "GET", true},
	{"getPbxHardwarePhones", "GET", true},
	{"getPbxMenu", "GET", true},
	{"getPbxMenus", "GET", true},
	{"getPbxPhoneNumber", "GET", true},
	{"getPbxPhoneNumbers", "GET", true},
	{"getPbxQueue", "GET", true},
	{"getPbxQueueVoicemail", "GET", true},
	{"getPbxQueueVoicemails", "GET", true},
	{"getPbxQueues", "GET", true},
	{"getPbxTimeBased", "GET", true},
	{"getPbxTimeBaseds", "GET", true},
	{"getPbxTimeRange", "GET", true},
	{"getPbxTimeRanges", "GET", true},
	{"getPbxVoicemailCapabilities", "GET", true},
	{"getPbxVoicemailMailbox", "GET", true},
	{"getPbxVoicemailMailboxes", "GET", true},
	{"getUserPbxAudio", "GET", true},
	{"getUserPbxAudios", "GET", true},
	{"getVirtualAgentBudget", "GET", true},
	{"getVirtualAgentCapabilities", "GET", true},
	{"listenedPbxAgentVoicemail", "GET", true},
	{"listenedPbxQueueVoicemail", "GET", true},
	{"searchPbxAvailablePhoneNumbers", "GET", true},
	// PUT
	{"getAgentWebsocketAuthorization", "PUT", true},
	{"getConversationContext", "PUT", true},
	{"joinConversation", "PUT", true},
	{"markReadConversation", "PUT", true},
	{"protectPbxPhoneNumber", "PUT", true},
	{"smsUnsubscribeConversation", "PUT", true},
	{"startConversation", "PUT", false}, // a PUT that creates a conversation: a retry could start a second one
	{"updateAgentProfile", "PUT", true},
	{"updateAgentStatusConfig", "PUT", true},
	{"updateConversationCannedMessage", "PUT", true},
	{"updateConversationDepartment", "PUT", true},
	{"updateConversationEngagement", "PUT", true},
	{"updateConversationWebchatQueueStatus", "PUT", true},
	{"updatePbxAddress", "PUT", true},
	{"updatePbxAgent", "PUT", true},
	{"updatePbxAudio", "PUT", true},
	{"updatePbxClassOfService", "PUT", true},
	{"updatePbxDefaultTimezone", "PUT", true},
	{"updatePbxHardwarePhone", "PUT", true},
	{"updatePbxMenu", "PUT", true},
	{"updatePbxPhoneNumber", "PUT", true},
	{"updatePbxQueue", "PUT", true},
	{"updatePbxTimeBased", "PUT", true},
	{"updatePbxTimeRange", "PUT", true},
	{"updatePbxVoicemailMailbox", "PUT", true},
	{"updateUserPbxAudio", "PUT", true},
	{"updateVirtualAgentBudget", "PUT", true},
	{"updateVirtualAgentCapabilities", "PUT", true},
	// DELETE
	{"deleteAgentProfileKnowledgeBaseDocument", "DELETE", true},
	{"deleteAgentProfileMcp", "DELETE", true},
	{"deleteAgentStatusConfig", "DELETE", true}, // soft-deactivates: repeating it changes nothing more
	{"deleteConversationCannedMessage", "DELETE", true},
	{"deleteDepartment", "DELETE", true},
	{"deleteEngagement", "DELETE", true},
	{"deletePbxAddress", "DELETE", true},
	{"deletePbxAgentVoicemail", "DELETE", true},
	{"deletePbxAudio", "DELETE", true},
	{"deletePbxClassOfService", "DELETE", true},
	{"deletePbxHardwarePhone", "DELETE", true},
	{"deletePbxMenu", "DELETE", true},
	{"deletePbxPhoneNumber", "DELETE", true},
	{"deletePbxQueue", "DELETE", true},
	{"deletePbxQueueVoicemail", "DELETE", true},
	{"deletePbxTimeBased", "DELETE", true},
	{"deletePbxTimeRange", "DELETE", true},
	{"deletePbxVoicemailMailbox", "DELETE", true},
	{"deleteUserPbxAudio", "DELETE", true},
	{"leaveConversation", "DELETE", true},
	// POST
	{"getAgentStatusHeatmap", "POST", true},              // read-only POST (a report)
	{"getConversationPbxCustomerSnapshot", "POST", true}, // read-only POST
	{"getConversationsAutocomplete", "POST", true},       // read-only POST
	{"getConversationsSearch", "POST", true},             // read-only POST (the search is in the body)
	{"getLocationsForEngagement", "POST", true},          // read-only POST
	{"insertAgentProfileKnowledgeBaseDocument", "POST", false},
	{"insertAgentProfileMcp", "POST", false},
	{"insertAgentStatusConfig", "POST", false},
	{"insertConversationCannedMessage", "POST", false},
	{"insertConversationDepartment", "POST", false},
	{"insertConversationEngagement", "POST", false},
	{"insertPbxAddress", "POST", false},
	{"insertPbxAudio", "POST", false},
	{"insertPbxClassOfService", "POST", false},
	{"insertPbxHardwarePhone", "POST", false},
	{"insertPbxMenu", "POST", false},
	{"insertPbxQueue", "POST", false},
	{"insertPbxTimeBased", "POST", false},
	{"insertPbxTimeRange", "POST", false},
	{"insertPbxVoicemailMailbox", "POST", false},
	{"insertUserPbxAudio", "POST", false},
	{"purchasePbxPhoneNumber", "POST", false},                // a retry could buy a second number
	{"regeneratePasswordForPbxHardwarePhone", "POST", false}, // each call makes a new password
	{"resetConversationPbxQueueStatistics", "POST", true},    // a POST that zeroes counters: repeating it changes nothing more
	{"searchAgentStatusHistory", "POST", true},               // read-only POST
	{"searchAgentStatusRollups", "POST", true},               // read-only POST
	{"searchConversationCannedMessages", "POST", true},       // read-only POST
	{"searchPbxCalls", "POST", true},                         // read-only POST
	{"updateAgentProfileMcp", "POST", true},                  // a POST that replaces the MCP server: repeating it changes nothing more
}

// idempotencyExceptions are the operations whose x-idempotent is not the one
// their method implies: a PUT that creates, the read-only POSTs and the
// POSTs that can be repeated.
var idempotencyExceptions = []string{
	"startConversation",
	"getConversationsSearch", "getConversationsAutocomplete", "searchConversationCannedMessages",
	"getConversationPbxCustomerSnapshot", "searchPbxCalls", "getLocationsForEngagement",
	"updateAgentProfileMcp", "resetConversationPbxQueueStatistics",
	"getAgentStatusHeatmap", "searchAgentStatusHistory", "searchAgentStatusRollups",
}

func TestIdempotencyTable(t *testing.T) {
	ref := reference(t)
	methods := map[string]string{}
	for _, op := range ref.Operations {
		methods[op.OperationID] = op.Method
	}
	seen := map[string]bool{}
	for _, e := range idempotency {
		if seen[e.op] {
			t.Errorf("%s listed twice", e.op)
		}
		seen[e.op] = true
		m, ok := methods[e.op]
		if !ok {
			t.Errorf("%s is not an operation of the reference", e.op)
			continue
		}
		if m != e.method {
			t.Errorf("%s: table says %s, the reference %s", e.op, e.method, m)
		}
		rule := m != http.MethodPost
		if slices.Contains(idempotencyExceptions, e.op) {
			rule = !rule
		}
		if e.idempotent != rule {
			t.Errorf("%s (%s): table says idempotent=%v, the rule %v", e.op, m, e.idempotent, rule)
		}
	}
	if len(seen) != len(ref.Operations) {
		t.Errorf("table has %d operations, the reference %d", len(seen), len(ref.Operations))
	}
}

// iterKeys are the paged operations (an _offset query parameter) and the
// property that identifies an item of their list, for the iterators.
var iterKeys = map[string]any{
	"getConversations":         "conversation_uuid",
	"searchPbxCalls":           "call_uuid",
	"searchAgentStatusHistory": "event_uuid",
}

// goTimeParams are the parameters that take a time.Time (x-go-time), with
// the wire form and the reference type they must have.
var goTimeParams = map[string]struct{ form, typ, format string }{
	"getConversationMessages.since":    {"unix-milli", "integer", "int64"},
	"getPbxCosAuditLogs.since":         {"rfc3339", "string", ""},
	"getConversations.before":          {"rfc3339", "string", ""},
	"getAgentStatusSummary.date_start": {"date", "string", ""},
	"getAgentStatusSummary.date_end":   {"date", "string", ""},
	"getAgentStatusTimeline.date":      {"date", "string", ""},
}

// paramGoTypes are the parameters typed with a named Go type (x-go-type on
// the parameter's schema): a shared enum whose values the reference gives
// the parameter's description or the property it filters, though it
// declares no enum for it (the component lists it under
// x-shared-enum-declared); or UltraCart's user id.
var paramGoTypes = map[string]string{
	"getConversations.medium":                               "ConversationMedium",
	"getAgentStatusTimeline.channel":                        "ConversationAgentChannel",
	"getPbxCosAuditLogs.action":                             "ConversationPbxCosAuditLogAction",
	"getAgentStatusTimeline.agent_user_id":                  userIDType,
	"deleteAgentProfileKnowledgeBaseDocument.user_id":       userIDType,
	"deleteAgentProfileMcp.user_id":                         userIDType,
	"getAgentProfileKnowledgeBase.user_id":                  userIDType,
	"getAgentProfileMcp.user_id":                            userIDType,
	"getAgentProfileMcpTools.user_id":                       userIDType,
	"getAgentProfileMcps.user_id":                           userIDType,
	"getConversationKnowledgeBaseDocumentUploadUrl.user_id": userIDType,
	"insertAgentProfileKnowledgeBaseDocument.user_id":       userIDType,
	"insertAgentProfileMcp.user_id":                         userIDType,
	"updateAgentProfileMcp.user_id":                         userIDType,
}

// userIDType is the x-go-type of every user id that is a number on the
// wire, and of the timeline's path value, with its package.
const (
	userIDType   = "ucid.UserID"
	userIDImport = "github.com/ultracart-community/ultracart-go/ucid"
)

// userIDProps are the properties of the reference that hold an UltraCart
// user id as a JSON number: the one Go type UserID (a list's items for
// members.users). The agent_user_id strings of release 4.1.86 stay strings.
var userIDProps = []string{
	"ConversationAgentAuth.user_id",
	"ConversationAgentProfile.user_id",
	"ConversationDepartmentMember.user_id",
	"ConversationPbxAgent.user_id",
	"ConversationPbxAudio.user_id",
	"ConversationPbxQueueMembers.users",
	"ConversationPbxVoicemailMailbox.user_id",
}

// extensionPlaces says where each x- extension may appear.
var extensionPlaces = map[string][]string{
	"x-go-deprecated-method":          {"operation"},
	"x-go-iter-key":                   {"operation"},
	"x-go-deprecated-iter":            {"operation"},
	"x-go-doc":                        {"operation"},
	"x-idempotent":                    {"operation"},
	"x-codegen-request-body-name":     {"operation"}, // a fact of the reference (openapi-generator's)
	"x-go-time":                       {"parameter"},
	"x-go-name":                       {"parameter"},
	"x-go-type":                       {"property", "property items", "parameter schema"},
	"x-go-type-import":                {"property", "property items", "parameter schema"},
	"x-go-note":                       {"operation"},
	"x-doc-added":                     {"property"},
	"x-shared-enum-declared":          {"component"},
	"x-go-type-skip-optional-pointer": {"property", "property items"},
	"x-omitempty":                     {"property"},
	"x-omitzero":                      {"property"},
	"x-shared-enum":                   {"component"},
}

// extUse is one x- extension in the spec.
type extUse struct {
	place string // operation, parameter, parameter schema, component, property, or where else
	where string // operationId.parameter, Schema.property, ...
	key   string
	value any
}

// extensionUses walks the whole spec (as JSON, extensions inline) and
// returns every x- key with where it is.
func extensionUses(t *testing.T, doc *openapi3.T) []extUse {
	t.Helper()
	var uses []extUse
	var walk func(ptr []string, v any)
	walk = func(ptr []string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(v) {
				if strings.HasPrefix(k, "x-") {
					place, where := extensionPlace(doc, ptr)
					uses = append(uses, extUse{place, where, k, v[k]})
					continue
				}
				walk(append(slices.Clip(ptr), k), v[k])
			}
		case []any:
			for i, e := range v {
				walk(append(slices.Clip(ptr), strconv.Itoa(i)), e)
			}
		}
	}
	walk(nil, asJSON(t, doc))
	return uses
}

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// extensionPlace names the place of a JSON pointer in the spec.
func extensionPlace(doc *openapi3.T, ptr []string) (place, where string) {
	where = "/" + strings.Join(ptr, "/")
	switch {
	case len(ptr) >= 3 && ptr[0] == "paths" && slices.Contains(httpMethods, ptr[2]):
		op := doc.Paths.Value(ptr[1]).GetOperation(strings.ToUpper(ptr[2]))
		switch {
		case len(ptr) == 3:
			return "operation", op.OperationID
		case len(ptr) == 5 && ptr[3] == "parameters":
			i, _ := strconv.Atoi(ptr[4])
			return "parameter", op.OperationID + "." + op.Parameters[i].Value.Name
		case len(ptr) == 6 && ptr[3] == "parameters" && ptr[5] == "schema":
			i, _ := strconv.Atoi(ptr[4])
			return "parameter schema", op.OperationID + "." + op.Parameters[i].Value.Name
		}
	case len(ptr) == 3 && ptr[0] == "components" && ptr[1] == "schemas":
		return "component", ptr[2]
	case len(ptr) == 5 && ptr[0] == "components" && ptr[1] == "schemas" && ptr[3] == "properties":
		return "property", ptr[2] + "." + ptr[4]
	case len(ptr) == 6 && ptr[0] == "components" && ptr[1] == "schemas" && ptr[3] == "properties" && ptr[5] == "items":
		return "property items", ptr[2] + "." + ptr[4]
	}
	return where, where
}

// headerExtensions are the x- names the comment at the head of openapi.yaml
// declares.
func headerExtensions(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var head strings.Builder
	for line := range strings.Lines(string(b)) {
		if !strings.HasPrefix(line, "#") {
			break
		}
		head.WriteString(line)
	}
	names := regexp.MustCompile(`\bx-[a-z-]*[a-z]`).FindAllString(head.String(), -1)
	slices.Sort(names)
	return slices.Compact(names)
}

// TestSpecExtensions checks every x- extension of the spec: where it
// appears, its value, and that the head of the file declares it.
func TestSpecExtensions(t *testing.T) {
	ref := reference(t)
	doc := loadSpec(t)
	uses := extensionUses(t, doc)
	byKey := map[string][]extUse{}
	for _, u := range uses {
		byKey[u.key] = append(byKey[u.key], u)
		if !slices.Contains(extensionPlaces[u.key], u.place) {
			t.Errorf("%s on %s %s: allowed only on %v", u.key, u.place, u.where, extensionPlaces[u.key])
		}
	}
	used := sortedKeys(byKey)
	t.Logf("%d extension uses of %d kinds: %v", len(uses), len(used), used)
	declared := headerExtensions(t)
	for _, k := range used {
		if k != "x-codegen-request-body-name" && !slices.Contains(declared, k) {
			t.Errorf("%s is used but not declared at the head of openapi.yaml", k)
		}
	}
	for _, k := range declared {
		if _, ok := byKey[k]; !ok {
			t.Errorf("the head of openapi.yaml declares %s, which nothing uses", k)
		}
	}

	refOps := map[string]refOp{}
	for _, op := range ref.Operations {
		refOps[op.OperationID] = op
	}
	ops := map[string]*openapi3.Operation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops[op.OperationID] = op
		}
	}

	t.Run("x-idempotent", func(t *testing.T) {
		for _, e := range idempotency {
			op := ops[e.op]
			if op == nil {
				t.Errorf("%s: not in the spec", e.op)
				continue
			}
			v, ok := op.Extensions["x-idempotent"].(bool)
			if !ok {
				t.Errorf("%s: x-idempotent is %#v, want a boolean", e.op, op.Extensions["x-idempotent"])
			} else if v != e.idempotent {
				t.Errorf("%s (%s): x-idempotent: %v, want %v", e.op, e.method, v, e.idempotent)
			}
		}
		if n := len(byKey["x-idempotent"]); n != len(ops) || n != len(idempotency) {
			t.Errorf("%d x-idempotent for %d operations (%d in the table)", n, len(ops), len(idempotency))
		}
	})

	t.Run("x-go-deprecated-method", func(t *testing.T) {
		// A method is its operationId in Go spelling; the 35 operations of
		// 4.1.70 that had another name keep it one release as a deprecated
		// wrapper. Names are compared without case, as the initialisms (URL,
		// UUID, ID) are the generator's to decide.
		ref4170 := reference4170(t)
		old := map[string]bool{}
		for _, op := range ref4170.Operations {
			old[op.OperationID] = true
		}
		names := map[string]string{}
		for _, id := range sortedKeys(ops) {
			names[strings.ToLower(id)] = id
		}
		for _, u := range byKey["x-go-deprecated-method"] {
			s, _ := u.value.(string)
			if !token.IsIdentifier(s) || !token.IsExported(s) {
				t.Errorf("%s: x-go-deprecated-method %#v is not an exported Go identifier", u.where, u.value)
			}
			// The same letters as its own operationId is a case-only rename
			// (SMSUnsubscribeConversation, now SmsUnsubscribeConversation):
			// two distinct Go identifiers.
			if other, dup := names[strings.ToLower(s)]; dup && other != u.where {
				t.Errorf("%s: x-go-deprecated-method %s is also the method of %s", u.where, s, other)
			}
			names[strings.ToLower(s)] = u.where
			if !old[u.where] {
				t.Errorf("%s: a deprecated name on an operation 4.1.70 did not have", u.where)
			}
		}
		if n := len(byKey["x-go-deprecated-method"]); n != 35 {
			t.Errorf("%d x-go-deprecated-method, want the 35 names of 4.1.70 that were not the operationId", n)
		}
	})

	t.Run("x-go-deprecated-iter", func(t *testing.T) {
		// The iterators' names before the naming rule, kept one release.
		got := map[string]any{}
		for _, u := range byKey["x-go-deprecated-iter"] {
			got[u.where] = u.value
			if _, paged := iterKeys[u.where]; !paged {
				t.Errorf("%s: x-go-deprecated-iter on an operation that does not page", u.where)
			}
		}
		if want := map[string]any{"getConversations": "AllConversations", "searchPbxCalls": "AllPbxCalls"}; !reflect.DeepEqual(got, want) {
			t.Errorf("x-go-deprecated-iter %v, want %v", got, want)
		}
	})

	t.Run("x-go-iter-key", func(t *testing.T) {
		got := map[string]any{}
		for _, u := range byKey["x-go-iter-key"] {
			got[u.where] = u.value
		}
		if !reflect.DeepEqual(got, iterKeys) {
			t.Errorf("x-go-iter-key %v, want %v", got, iterKeys)
		}
		// Exactly the operations that page: an _offset query parameter and
		// a list of items that have the key.
		for _, id := range sortedKeys(ops) {
			op := ops[id]
			paged := op.Parameters.GetByInAndName("query", "_offset") != nil
			if _, ok := iterKeys[id]; ok != paged {
				t.Errorf("%s: pages %v, x-go-iter-key %v", id, paged, got[id])
			}
			key, ok := iterKeys[id]
			if !ok {
				continue
			}
			resp := op.Responses.Value("200").Value.Content.Get("application/json").Schema.Value
			found := false
			for _, p := range resp.Properties {
				if p.Value.Type.Is("array") && p.Value.Items.Value.Properties[key.(string)] != nil {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: x-go-iter-key %s is no property of its list's items", id, key)
			}
		}
	})

	t.Run("x-go-doc", func(t *testing.T) {
		for _, u := range byKey["x-go-doc"] {
			s, _ := u.value.(string)
			if s == "" || strings.Contains(s, "\n") || s != strings.TrimSpace(s) {
				t.Errorf("%s: x-go-doc %#v, want one non-empty line", u.where, u.value)
			}
		}
	})

	t.Run("x-go-time", func(t *testing.T) {
		got := map[string]any{}
		for _, u := range byKey["x-go-time"] {
			got[u.where] = u.value
		}
		for _, key := range sortedKeys(goTimeParams) {
			want := goTimeParams[key]
			if got[key] != want.form {
				t.Errorf("%s: x-go-time %#v, want %q", key, got[key], want.form)
			}
			id, name, _ := strings.Cut(key, ".")
			var p *refParam
			for i, rp := range refOps[id].Parameters {
				if rp.Name == name {
					p = &refOps[id].Parameters[i]
				}
			}
			if p == nil || p.Schema["type"] != want.typ || (want.format != "" && p.Schema["format"] != want.format) {
				t.Errorf("%s: reference parameter %+v, want %s %s", key, p, want.typ, want.format)
			}
		}
		for _, key := range sortedKeys(got) {
			if _, ok := goTimeParams[key]; !ok {
				t.Errorf("%s: unexpected x-go-time %v", key, got[key])
			}
		}
	})

	t.Run("x-go-name", func(t *testing.T) {
		for _, u := range byKey["x-go-name"] {
			_, name, _ := strings.Cut(u.where, ".")
			if want, ok := paramGoNames[name]; !ok || u.value != want {
				t.Errorf("%s: x-go-name %#v, want %q", u.where, u.value, want)
			}
		}
		if n := len(byKey["x-go-name"]); n != 7 {
			t.Errorf("%d x-go-name, want 7 (_limit, _offset of getConversations, searchPbxCalls and searchAgentStatusHistory, _sort)", n)
		}
	})

	t.Run("x-go-type on parameters", func(t *testing.T) {
		got := map[string]any{}
		for _, u := range byKey["x-go-type"] {
			if u.place == "parameter schema" {
				got[u.where] = u.value
			}
		}
		imports := map[string]any{}
		for _, u := range byKey["x-go-type-import"] {
			if u.place == "parameter schema" {
				imports[u.where] = u.value
			}
		}
		for _, key := range sortedKeys(paramGoTypes) {
			name := paramGoTypes[key]
			if got[key] != name {
				t.Errorf("%s: x-go-type %#v, want %s", key, got[key], name)
			}
			if name == userIDType {
				if want := map[string]any{"path": userIDImport}; !reflect.DeepEqual(imports[key], want) {
					t.Errorf("%s: x-go-type-import %#v, want %v", key, imports[key], want)
				}
				continue
			}
			c := doc.Components.Schemas[name]
			if c == nil || c.Value == nil || c.Value.Extensions["x-shared-enum"] == nil {
				t.Errorf("%s: %s is not a shared enum component", key, name)
				continue
			}
			declared, _ := c.Value.Extensions["x-shared-enum-declared"].([]any)
			if !slices.Contains(declared, any(key)) {
				t.Errorf("%s: %s's x-shared-enum-declared %v does not list it", key, name, declared)
			}
		}
		for _, key := range sortedKeys(got) {
			if _, ok := paramGoTypes[key]; !ok {
				t.Errorf("%s: unexpected x-go-type %v", key, got[key])
			}
		}
	})

	t.Run("property extensions", func(t *testing.T) {
		// x-go-type on properties is checked with the shared enums
		// (TestSpecCoversReference); here the flags that follow from it and
		// from the type.
		for _, name := range sortedKeys(ref.Schemas) {
			for _, pn := range sortedKeys(ref.Schemas[name].Properties) {
				p := ref.Schemas[name].Properties[pn]
				sp := doc.Components.Schemas[name].Value.Properties[pn]
				if sp == nil {
					continue // TestSpecCoversReference
				}
				what := name + "." + pn
				ext := sp.Value.Extensions
				if p.Type == "array" {
					// An empty list is sent as [] (it clears the list); a nil one is left out.
					if ext["x-omitzero"] != true || ext["x-omitempty"] != false {
						t.Errorf("%s: array with x-omitzero %v, x-omitempty %v; want true, false", what, ext["x-omitzero"], ext["x-omitempty"])
					}
				} else if ext["x-omitzero"] != nil || ext["x-omitempty"] != nil {
					t.Errorf("%s: %s with x-omitzero %v, x-omitempty %v", what, p.Type, ext["x-omitzero"], ext["x-omitempty"])
				}
				raw := p.Type == "object"
				if raw != (ext["x-go-type"] == "json.RawMessage") || raw != (ext["x-go-type-skip-optional-pointer"] == true) {
					t.Errorf("%s: %s with x-go-type %v, x-go-type-skip-optional-pointer %v (free-form objects: json.RawMessage, true)",
						what, p.Type, ext["x-go-type"], ext["x-go-type-skip-optional-pointer"])
				}
				if p.Type == "array" && p.Items.Type == "object" {
					if items := sp.Value.Items.Value.Extensions; items["x-go-type"] != "json.RawMessage" {
						t.Errorf("%s: a list of free-form objects with items x-go-type %v, want json.RawMessage", what, items["x-go-type"])
					}
				}
			}
		}
	})
}
