package conversationtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
)

// numberAreas are the area codes whose fictional numbers the fake sells,
// by country and number type, with the locality they serve.
var numberAreas = map[string]map[string][][3]string{
	"US": {"local": {{"614", "Columbus", "OH"}, {"212", "New York", "NY"}, {"415", "San Francisco", "CA"}}, "toll_free": {{"800", "", ""}, {"888", "", ""}}},
	"CA": {"local": {{"416", "Toronto", "ON"}, {"604", "Vancouver", "BC"}}, "toll_free": {{"833", "", ""}}},
}

// fictional matches the numbers the fake sells: NANP 555-0100 to 555-0199,
// which are reserved for fiction and never ring anyone.
var fictional = regexp.MustCompile(`^\+1([2-9]\d\d)55501(\d\d)$`)

// searchPhoneNumbers offers the fictional numbers of the country (US and
// CA; any other country has none) that no phone number of the fake holds:
// by area_code, type (local, the default; mobile, which is local; or
// toll_free), contains (digits, letters as on a keypad, * for any digit),
// and sms_enabled / voice_enabled, at most limit (default 20).
func (s *Server) searchPhoneNumbers(rq *request) (any, error) {
	country := strings.ToUpper(rq.query.Get("country"))
	typ := strings.ToLower(strings.ReplaceAll(rq.query.Get("type"), "-", "_"))
	switch typ {
	case "", "local", "mobile":
		typ = "local"
	case "toll_free", "tollfree":
		typ = "toll_free"
	default:
		return nil, badRequest("type must be local, mobile or toll_free: %q", rq.query.Get("type"))
	}
	area, limit := rq.query.Get("area_code"), rq.queryInt("limit", 20)
	if limit < 1 || limit > 100 {
		return nil, badRequest("limit must be between 1 and 100")
	}
	pattern := keypad(rq.query.Get("contains"))
	sms, voice := rq.queryBool("sms_enabled"), rq.queryBool("voice_enabled")
	owned := map[string]bool{}
	for _, o := range s.sortedLocked(kindByKey("pbx_phone_numbers"), "") {
		owned[fmt.Sprint(o.(obj)["phone_number"])] = true
	}
	out := []gen.ConversationPbxAvailablePhoneNumber{}
	for _, a := range numberAreas[country][typ] {
		if area != "" && area != a[0] {
			continue
		}
		for n := 0; n < 100 && len(out) < limit; n++ {
			num := fmt.Sprintf("+1%s55501%02d", a[0], n)
			hasSMS := n%5 != 4
			if owned[num] || sms != nil && *sms != hasSMS || voice != nil && !*voice || !pattern.MatchString(num[2:]) {
				continue
			}
			p := gen.ConversationPbxAvailablePhoneNumber{
				PhoneNumber: ptr(num), FriendlyName: ptr(fmt.Sprintf("(%s) 555-01%02d", a[0], n)), Country: ptr(country),
				Sms: ptr(hasSMS), Mms: ptr(hasSMS && n%2 == 0), Voice: ptr(true), MonthlyCost: ptr(1.15),
				AddressRequirements: ptr(gen.ConversationPbxAvailablePhoneNumberAddressRequirementsNone),
			}
			if a[1] != "" {
				p.Locality, p.Region = ptr(a[1]), ptr(a[2])
			} else {
				p.MonthlyCost = ptr(2.15)
			}
			out = append(out, p)
			s.st.offered[num] = true
		}
	}
	return out, nil
}

// keypad turns a contains pattern into a regexp over the national number.
func keypad(pattern string) *regexp.Regexp {
	var b strings.Builder
	for _, r := range strings.ToUpper(pattern) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '*' || r == '?':
			b.WriteString(`\d`)
		case r >= 'A' && r <= 'Z':
			b.WriteByte("22233344455566677778889999"[r-'A'])
		}
	}
	return regexp.MustCompile(b.String())
}

// purchasePhoneNumber buys a number a search offered (searchPhoneNumbers)
// that no phone number holds: it becomes a PBX phone number routed as the
// request says, to an object that exists.
func (s *Server) purchasePhoneNumber(rq *request) (any, error) {
	var body gen.ConversationPbxPhoneNumberPurchaseRequest
	if err := rq.decode(&body); err != nil {
		return nil, err
	}
	num := str(body.PhoneNumber)
	k := kindByKey("pbx_phone_numbers")
	for _, o := range s.sortedLocked(k, "") {
		if o.(obj)["phone_number"] == num {
			return nil, badRequest("phone number %q is already a PBX phone number of this account: search for another with searchPbxAvailablePhoneNumbers", num)
		}
	}
	if num == "" {
		return nil, badRequest("phone_number is required: an E.164 number that searchPbxAvailablePhoneNumbers returned")
	}
	if !s.st.offered[num] || !fictional.MatchString(num) {
		return nil, badRequest("phone number %q was not offered: purchase a number that searchPbxAvailablePhoneNumbers returned, exactly as it returned it (E.164)", num)
	}
	o := obj{"phone_number": num, "default_phone_number": false, "deletion_protected": false}
	for name, v := range map[string]*string{"action": (*string)(body.Action), "action_target": body.ActionTarget, "address_sid": body.AddressSid} {
		if !emptyStr(v) {
			o[name] = *v
		}
	}
	return s.putLocked(k, "", o, rq)
}

// protectPhoneNumber sets deletion_protected: the number can no longer be
// deleted through the API, and updates do not clear the flag.
func (s *Server) protectPhoneNumber(rq *request) (any, error) {
	o, err := kindByKey("pbx_phone_numbers").getOp(s, rq)
	if err != nil {
		return nil, err
	}
	o.(obj)["deletion_protected"] = true
	return o, nil
}

// unprotected refuses to delete a protected phone number.
func unprotected(o obj) error {
	if o["deletion_protected"] == true {
		return badRequest("phone number %v is protected from deletion", o["phone_number"])
	}
	return nil
}

// fillSIP gives a hardware phone the SIP credentials the service would
// create for it, unless it has them.
func fillSIP(s *Server, _ *request, o obj) error {
	if o["sip_username"] == nil {
		o["sip_username"] = "phone-" + randomHex(4)
	}
	if o["sip_password"] == nil {
		o["sip_password"] = randomHex(12)
	}
	if o["sip_domain"] == nil {
		o["sip_domain"] = strings.ToLower(s.cfg.merchantID) + ".sip.example.com"
	}
	return nil
}

// regeneratePassword gives the hardware phone a new SIP password and
// returns the phone with it. The request body is not used.
func (s *Server) regeneratePassword(rq *request) (any, error) {
	o, err := kindByKey("pbx_hardware_phones").getOp(s, rq)
	if err != nil {
		return nil, err
	}
	o.(obj)["sip_password"] = randomHex(12)
	return o, nil
}

// audioUsage lists the menus, queues and voicemail mailboxes that name the
// audio in any of their properties.
func (s *Server) audioUsage(rq *request) (any, error) {
	a, err := kindByKey("pbx_audios").getOp(s, rq)
	if err != nil {
		return nil, err
	}
	id := a.(obj)["conversation_pbx_audio_uuid"]
	out := fields{}
	for name, key := range map[string]string{"menus": "pbx_menus", "queues": "pbx_queues", "voicemail_mailboxes": "pbx_voicemail_mailboxes"} {
		users := []any{}
		for _, o := range s.sortedLocked(kindByKey(key), "") {
			if mentions(o, id) {
				users = append(users, o)
			}
		}
		out[name] = users
	}
	return out, nil
}

// mentions reports whether v holds the value id anywhere.
func mentions(v, id any) bool {
	switch t := v.(type) {
	case obj:
		for _, x := range t {
			if mentions(x, id) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(t, func(x any) bool { return mentions(x, id) })
	}
	return v == id
}

// voicemailListened marks an agent or queue voicemail as listened to.
func (s *Server) voicemailListened(rq *request) (any, error) {
	k := kindByKey("agent_voicemails")
	if rq.op == "listenedPbxQueueVoicemail" {
		k = kindByKey("queue_voicemails")
	}
	o, err := k.getOp(s, rq)
	if err == nil {
		o.(obj)["listened"] = true
	}
	return nil, err
}

// resetQueueStatistics accepts a reset of an existing PBX queue. The fake
// keeps no queue statistics, so nothing else changes.
func (s *Server) resetQueueStatistics(rq *request) (any, error) {
	_, err := s.findLocked(kindByKey("pbx_queues"), "", rq.path["queue_uuid"])
	return nil, err
}

// sortKey is one key of a _sort value: a property of the call, or
// duration (timeline.total_duration_seconds), ascending unless prefixed
// with - or followed by " desc".
type sortKey struct {
	prop string
	desc bool
}

func parseSort(v string, props map[string]bool) ([]sortKey, error) {
	var keys []sortKey
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		k := sortKey{desc: strings.HasPrefix(f, "-")}
		f = strings.TrimLeft(f, "+-")
		if name, dir, ok := strings.Cut(f, " "); ok {
			f, k.desc = name, k.desc || strings.EqualFold(strings.TrimSpace(dir), "desc")
		}
		if k.prop = f; !props[f] {
			return nil, badRequest("_sort: unknown key %q: use a property of the call, or duration, optionally with - or desc", f)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// searchCalls filters the call records as ConversationPbxCallSearchRequest
// describes, sorts them by _sort (see parseSort; -created_at_dts by
// default) and pages them by _limit and _offset.
func (s *Server) searchCalls(rq *request) (any, error) {
	var q gen.ConversationPbxCallSearchRequest
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	limit, offset, err := pageParams(rq)
	if err != nil {
		return nil, err
	}
	k := kindByKey("pbx_calls")
	props := map[string]bool{"duration": true}
	for name := range k.schema.Value.Properties {
		props[name] = true
	}
	sortKeys, err := parseSort(cmpOr(rq.query.Get("_sort"), "-created_at_dts"), props)
	if err != nil {
		return nil, err
	}
	from, err := dateBound(q.StartDate, false)
	if err != nil {
		return nil, err
	}
	to, err := dateBound(q.EndDate, true)
	if err != nil {
		return nil, err
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return nil, badRequest("end_date %s is before start_date %s: a date range must end after it begins", str(q.EndDate), str(q.StartDate))
	}
	if q.MinDurationSeconds != nil && *q.MinDurationSeconds < 0 || q.MaxDurationSeconds != nil && *q.MaxDurationSeconds < 0 {
		return nil, badRequest("min_duration_seconds and max_duration_seconds must not be negative")
	}
	if q.MinDurationSeconds != nil && q.MaxDurationSeconds != nil && *q.MaxDurationSeconds < *q.MinDurationSeconds {
		return nil, badRequest("max_duration_seconds %d is below min_duration_seconds %d: the duration range must end after it begins", *q.MaxDurationSeconds, *q.MinDurationSeconds)
	}
	calls := []any{}
	for _, o := range s.sortedLocked(k, "") {
		if c := fromObj[gen.ConversationPbxCall](o.(obj)); callMatches(&c, &q, from, to) {
			calls = append(calls, o)
		}
	}
	value := func(o any, prop string) any {
		if prop == "duration" {
			t, _ := o.(obj)["timeline"].(obj)
			return t["total_duration_seconds"]
		}
		return o.(obj)[prop]
	}
	slices.SortStableFunc(calls, func(a, b any) int {
		for _, key := range sortKeys {
			if c := compare(value(a, key.prop), value(b, key.prop)); c != 0 {
				if key.desc {
					return -c
				}
				return c
			}
		}
		return 0
	})
	start, end := pageBounds(len(calls), limit, offset)
	return fields{"calls": calls[start:end], "metadata": resultSet(len(calls), limit, offset, end-start)}, nil
}

// dateBound reads start_date or end_date: an RFC 3339 date-time (or one
// without a zone, in UTC), or a date meaning the start of that day (UTC),
// or for an end date its end.
func dateBound(p *string, end bool) (time.Time, error) {
	v := strings.TrimSpace(str(p))
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", time.DateTime} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return t, badRequest("dates are ISO 8601, such as 2026-04-01 or 2026-04-01T09:00:00Z: %q", v)
	}
	if end {
		t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return t, nil
}

// callMatches applies the search filters to one call. search_term is
// routed as documented: an @ to the email, a UUID to the call uuid, digits
// to the phone number, anything else to names, caller id, status and
// disposition.
func callMatches(c *gen.ConversationPbxCall, q *gen.ConversationPbxCallSearchRequest, from, to time.Time) bool {
	created := c.GetCreatedAtDts().Time
	duration := c.GetTimeline().GetTotalDurationSeconds()
	hasTranscript, transcript := false, ""
	for _, r := range c.Recordings {
		if r.Transcript != nil {
			hasTranscript = true
			for _, seg := range r.Transcript.Segments {
				transcript += " " + seg.GetText()
			}
		}
	}
	agentIn := func(ids []string) bool {
		return slices.ContainsFunc(c.Agents, func(a gen.ConversationPbxCallAgent) bool { return slices.Contains(ids, a.GetAgentID()) })
	}
	contains := func(hay, needle string) bool { return strings.Contains(strings.ToLower(hay), strings.ToLower(needle)) }
	switch {
	case !from.IsZero() && created.Before(from), !to.IsZero() && created.After(to),
		len(q.AgentIds) > 0 && !agentIn(q.AgentIds),
		len(q.QueueUuids) > 0 && !slices.Contains(q.QueueUuids, c.GetRouting().GetQueue().GetQueueUUID()),
		len(q.Statuses) > 0 && !slices.Contains(q.Statuses, c.GetStatus()),
		!emptyStr(q.CustomerName) && !contains(c.GetCustomerName(), *q.CustomerName),
		q.GetDirection() != "" && !strings.EqualFold(string(q.GetDirection()), c.GetRouting().GetDirection()),
		!emptyStr(q.Disposition) && !strings.EqualFold(*q.Disposition, c.GetDisposition()),
		q.HasAiEngagement != nil && *q.HasAiEngagement != (len(c.AiAgentEngagements) > 0),
		q.HasRecording != nil && *q.HasRecording != (len(c.Recordings)+len(c.RecordingSids) > 0),
		q.HasTranscript != nil && *q.HasTranscript != hasTranscript,
		q.MinDurationSeconds != nil && duration < *q.MinDurationSeconds,
		q.MaxDurationSeconds != nil && duration > *q.MaxDurationSeconds,
		!emptyStr(q.PhoneNumber) && !strings.Contains(digits(c.GetCaller().GetPhoneNumber()), digits(*q.PhoneNumber)),
		!emptyStr(q.TranscriptSearch) && !contains(transcript, *q.TranscriptSearch):
		return false
	}
	term := strings.TrimSpace(str(q.SearchTerm))
	switch {
	case term == "":
		return true
	case strings.Contains(term, "@"):
		return strings.EqualFold(term, c.GetEmail())
	case uuidLike.MatchString(term):
		return strings.EqualFold(term, c.GetCallUUID())
	case phoneLike.MatchString(term):
		return strings.Contains(digits(c.GetCaller().GetPhoneNumber()), digits(term))
	}
	return contains(strings.Join([]string{c.GetCustomerName(), c.GetCaller().GetCallerID(), c.GetStatus(), c.GetDisposition()}, " "), term)
}

var (
	phoneLike = regexp.MustCompile(`^[+\d\s().-]+$`)
	uuidLike  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}$`)
)

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// cosAuditLogs lists the class of service audit log newest first: entries
// strictly after since (as dateBound reads it), of agent_login and action when given,
// at most limit (default 100).
func (s *Server) cosAuditLogs(rq *request) (any, error) {
	since, err := dateBound(ptr(rq.query.Get("since")), false)
	if err != nil {
		return nil, err
	}
	limit := rq.queryInt("limit", 100)
	if limit < 1 {
		return nil, badRequest("limit must be positive")
	}
	out := []any{}
	for _, o := range s.sortedLocked(kindByKey("pbx_cos_audit_logs"), "") {
		e := o.(obj)
		t, err := time.Parse(time.RFC3339Nano, fmt.Sprint(e["timestamp"]))
		switch {
		case !since.IsZero() && (err != nil || !t.After(since)),
			rq.query.Get("agent_login") != "" && e["agent_login"] != rq.query.Get("agent_login"),
			rq.query.Get("action") != "" && e["action"] != rq.query.Get("action"):
			continue
		}
		if out = append(out, e); len(out) == limit {
			break
		}
	}
	return out, nil
}

// customerSnapshot finds the customers with the phone number in any of
// their billing or shipping phones, with their orders. The expand
// parameters are not used: customers are returned as seeded.
func (s *Server) customerSnapshot(rq *request) (any, error) {
	var q struct {
		PhoneNumber string `json:"phone_number"`
	}
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	if digits(q.PhoneNumber) == "" {
		return nil, badRequest("phone_number is required")
	}
	customers, orders := []any{}, []any{}
	for _, o := range s.sortedLocked(kindByKey("customers"), "") {
		c := o.(obj)
		b, _ := json.Marshal(obj{"billing": c["billing"], "shipping": c["shipping"]})
		var addrs map[string][]map[string]any
		_ = json.Unmarshal(b, &addrs)
		found := false
		for _, list := range addrs {
			for _, a := range list {
				for _, f := range []string{"day_phone", "evening_phone"} {
					found = found || samePhone(fmt.Sprint(a[f]), q.PhoneNumber)
				}
			}
		}
		if found {
			customers = append(customers, c)
			if list, ok := c["orders"].([]any); ok {
				orders = append(orders, list...)
			}
		}
	}
	return fields{"customers": customers, "orders": orders, "auto_orders": []any{}}, nil
}

// kindByKey is the row of the table with that key.
func kindByKey(key string) *kind {
	if k := kindsByKey[key]; k != nil {
		return k
	}
	panic("conversationtest: no kind " + strconv.Quote(key)) // a typo in this package
}

// kindsByKey indexes kinds. It is filled by init, so that the fill and
// check functions of the table may look kinds up without an
// initialization cycle.
var kindsByKey = map[string]*kind{}

func init() {
	for _, k := range kinds {
		kindsByKey[k.key] = k
	}
}

// voicemailCapabilities says which notice channels a voicemail mailbox
// can use beyond email: Zoho Desk when it is connected to UltraCart, with
// its departments. The fake has one answer to "is Zoho Desk connected",
// the virtual agent capabilities' (seed them to change it).
func (s *Server) voicemailCapabilities(*request) (any, error) {
	caps := s.st.store[kindByKey("virtual_agent_capabilities")][""][""]
	available, _ := caps["zoho_desk_available"].(bool)
	departments, _ := caps["zoho_desk_departments"].([]any)
	if departments == nil {
		departments = []any{}
	}
	return fields{"zoho_desk_available": available, "zoho_desk_departments": departments}, nil
}

// fillCustomer derives what the customer's addresses carry read only: each
// billing and shipping phone in E.164 (day_phone_e164, evening_phone_e164),
// when it reads as one.
func fillCustomer(_ *Server, _ *request, o obj) error {
	for _, list := range []string{"billing", "shipping"} {
		for _, a := range objects(o, list) {
			for _, p := range []string{"day_phone", "evening_phone"} {
				if e164, ok := toE164(strOf(a[p])); ok && a[p+"_e164"] == nil {
					a[p+"_e164"] = e164
				}
			}
		}
	}
	return nil
}

// toE164 reads a phone number as E.164: +digits as written, or a North
// American number of 10 digits (11 with the leading 1).
func toE164(phone string) (string, bool) {
	d := digits(phone)
	switch {
	case strings.HasPrefix(strings.TrimSpace(phone), "+") && len(d) >= 8 && len(d) <= 15:
		return "+" + d, true
	case len(d) == 10:
		return "+1" + d, true
	case len(d) == 11 && d[0] == '1':
		return "+" + d, true
	}
	return "", false
}
