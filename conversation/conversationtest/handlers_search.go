package conversationtest

import (
	"sort"
	"strings"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
)

// searchCanned finds canned messages whose short_code contains the search
// text, case-insensitively: prefix matches first, each group ordered by
// short_code, at most max_results when positive.
func (s *Server) searchCanned(rq *request) (any, error) {
	var body gen.ConversationCannedMessagesSearch
	if err := rq.decode(&body); err != nil {
		return nil, err
	}
	if body.MaxResults != nil && *body.MaxResults < 0 {
		return nil, badRequest("max_results must not be negative")
	}
	q := strings.ToLower(strings.TrimSpace(str(body.ShortCode)))
	var prefix, inner []any
	for _, o := range s.sortedLocked(kindByKey("canned_messages"), "") {
		code, _ := o.(obj)["short_code"].(string)
		switch code = strings.ToLower(code); {
		case strings.HasPrefix(code, q):
			prefix = append(prefix, o)
		case strings.Contains(code, q):
			inner = append(inner, o)
		}
	}
	out := append(append([]any{}, prefix...), inner...)
	if body.MaxResults != nil && *body.MaxResults > 0 && len(out) > int(*body.MaxResults) {
		out = out[:*body.MaxResults]
	}
	return out, nil
}

// searchConversations filters the stored conversations as
// ConversationSearchRequest describes and returns the records from
// range_begin up to (not including) range_end, with the total.
func (s *Server) searchConversations(rq *request) (any, error) {
	var q gen.ConversationSearchRequest
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	begin, end := int(deref(q.RangeBegin)), int(deref(q.RangeEnd))
	if begin < 0 || end < 0 {
		return nil, badRequest("range_begin and range_end must not be negative")
	}
	switch {
	case end == 0: // absent: a page of the default size
		end = begin + defaultPageLimit
	case end <= begin:
		return nil, badRequest("range_end %d is not after range_begin %d: range_end is the index after the last record wanted (or 0 for %d records)", end, begin, defaultPageLimit)
	}
	if q.DateStart != nil && q.DateEnd != nil && q.DateEnd.Before(q.DateStart.Time) {
		return nil, badRequest("date_end %s is before date_start %s: a date range must end after it begins",
			q.DateEnd.Format(time.RFC3339), q.DateStart.Format(time.RFC3339))
	}
	var list []*convRecord
	for _, rec := range s.st.conversations {
		if matches(&rec.conv, rec.messages, &q) {
			list = append(list, rec)
		}
	}
	sortByActivity(list, !deref(q.OrderByOldest))
	start, stop := pageBounds(len(list), end-begin, begin)
	records := make([]gen.ConversationSummary, 0, stop-start)
	for _, rec := range list[start:stop] {
		records = append(records, summarize(rec.conv))
	}
	return fields{"records": records, "range_begin": start, "range_end": stop, "total": len(list)}, nil
}

// matches applies a search request's filters to one conversation.
func matches(c *gen.Conversation, msgs []gen.ConversationMessage, q *gen.ConversationSearchRequest) bool {
	if q.DateStart != nil && activity(c).Before(q.DateStart.Time) {
		return false // last active before the range
	}
	if q.DateEnd != nil && c.StartDts != nil && c.StartDts.After(q.DateEnd.Time) {
		return false // started after the range
	}
	if m := q.GetMediumFilter(); m != "" && !strings.EqualFold(string(m), string(deref(c.Medium))) {
		return false
	}
	if q.VisibleFilter != nil && *q.VisibleFilter != deref(c.Visible) {
		return false
	}
	want := func(filter *string, get func(p *gen.ConversationParticipant) string, eq func(a, b string) bool) bool {
		if str(filter) == "" {
			return true
		}
		for i := range c.Participants {
			if eq(get(&c.Participants[i]), *filter) {
				return true
			}
		}
		return false
	}
	if !want(q.EmailFilter, func(p *gen.ConversationParticipant) string { return str(p.Email) }, strings.EqualFold) ||
		!want(q.LanguageFilter, func(p *gen.ConversationParticipant) string { return str(p.LanguageIsoCode) }, strings.EqualFold) ||
		!want(q.SmsPhoneNumberFilter, func(p *gen.ConversationParticipant) string { return str(p.SmsPhoneNumber) }, samePhone) {
		return false
	}
	if text := strings.ToLower(str(q.TextSearch)); text != "" {
		var hay []string
		for _, m := range msgs {
			hay = append(hay, str(m.Body))
		}
		for _, p := range c.Participants {
			hay = append(hay, str(p.ConversationParticipantName), str(p.Email), str(p.SmsPhoneNumber))
		}
		return strings.Contains(strings.ToLower(strings.Join(hay, "\n")), text)
	}
	return true
}

// samePhone compares phone numbers by their digits, so that
// "+1 (555) 555-0123" is +15555550123; a number without the country code
// matches one with it.
func samePhone(a, b string) bool {
	da, db := digits(a), digits(b)
	return da != "" && db != "" && (strings.HasSuffix(da, db) || strings.HasSuffix(db, da))
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r < '0' || r > '9' {
			return -1
		}
		return r
	}, s)
}

// autocompleteFields are what getConversationsAutocomplete completes: the
// search filters, by name without _filter, and participant names.
var autocompleteFields = map[string]func(c *gen.Conversation) []string{
	"email": func(c *gen.Conversation) []string {
		return participants(c, func(p *gen.ConversationParticipant) *string { return p.Email })
	},
	"sms_phone_number": func(c *gen.Conversation) []string {
		return participants(c, func(p *gen.ConversationParticipant) *string { return p.SmsPhoneNumber })
	},
	"language": func(c *gen.Conversation) []string {
		return participants(c, func(p *gen.ConversationParticipant) *string { return p.LanguageIsoCode })
	},
	"name": func(c *gen.Conversation) []string {
		return participants(c, func(p *gen.ConversationParticipant) *string { return p.ConversationParticipantName })
	},
	"medium": func(c *gen.Conversation) []string { return []string{string(deref(c.Medium))} },
}

// autocompleteAliases are other names of the completed fields.
var autocompleteAliases = map[string]string{
	"customer_name": "name", "participant_name": "name", "conversation_participant_name": "name",
	"phone": "sms_phone_number", "phone_number": "sms_phone_number", "sms_phone": "sms_phone_number",
	"language_iso_code": "language",
}

func participants(c *gen.Conversation, get func(p *gen.ConversationParticipant) *string) []string {
	var out []string
	for i := range c.Participants {
		out = append(out, str(get(&c.Participants[i])))
	}
	return out
}

// maxAutocomplete bounds the suggestions of one autocomplete call.
const maxAutocomplete = 20

// autocomplete suggests the distinct values of a field across the stored
// conversations that start with the term (case-insensitively), then those
// that contain it, each group sorted; the description counts the
// conversations with the value.
func (s *Server) autocomplete(rq *request) (any, error) {
	var q gen.ConversationAutocompleteRequest
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	field := strings.TrimSuffix(strings.ToLower(str(q.Field)), "_filter")
	if alias, ok := autocompleteAliases[field]; ok {
		field = alias
	}
	get, ok := autocompleteFields[field]
	if !ok {
		return nil, badRequest("field must be one of email, sms_phone_number, language, name or medium: %q", str(q.Field))
	}
	term := strings.ToLower(str(q.Term))
	counts := map[string]int{}
	for _, rec := range s.st.conversations {
		seen := map[string]bool{}
		for _, v := range get(&rec.conv) {
			if v != "" && !seen[v] && strings.Contains(strings.ToLower(v), term) {
				seen[v] = true
				counts[v]++
			}
		}
	}
	values := make([]string, 0, len(counts))
	for v := range counts {
		values = append(values, v)
	}
	sort.Slice(values, func(i, j int) bool {
		pi, pj := strings.HasPrefix(strings.ToLower(values[i]), term), strings.HasPrefix(strings.ToLower(values[j]), term)
		if pi != pj {
			return pi
		}
		return values[i] < values[j]
	})
	results := []gen.ConversationAutocompleteValue{}
	for _, v := range values[:min(len(values), maxAutocomplete)] {
		results = append(results, gen.ConversationAutocompleteValue{Value: ptr(v), Description: ptr(plural(counts[v], "conversation"))})
	}
	return fields{"field": str(q.Field), "term": str(q.Term), "results": results}, nil
}
