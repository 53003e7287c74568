package conversationtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	// Time ranges name IANA time zones, checked with time.LoadLocation: the
	// zone database is embedded so that the fake judges them the same on a
	// machine without one (a distroless or scratch container).
	_ "time/tzdata"
)

// The rules the fake applies beyond the schema, where UltraCart's documents
// are clear about what a value means: the kind's check runs on every insert,
// update and seed (rq is nil then) once the object is complete, and the
// references it lists must name objects that exist (see refs.go). Each
// refusal is a 400 whose message says what to send instead.

// pbxActions are the documented values of every PBX action: the enum of the
// mapping, phone number and purchase actions, which a menu's default_action
// ("The default action for this menu") takes too, though its schema lists
// none.
var pbxActions = []string{"time based", "menu", "queue", "voicemail", "agent"}

// actionTargets are the kind (its key, and its name in messages) an
// action_target names, by action: "the UUID associated with the
// configuration object of that particular type".
var actionTargets = map[string][2]string{
	"time based": {"pbx_time_baseds", "PBX time-based route"},
	"menu":       {"pbx_menus", "PBX menu"},
	"queue":      {"pbx_queues", "PBX queue"},
	"voicemail":  {"pbx_voicemail_mailboxes", "PBX voicemail mailbox"},
	"agent":      {"pbx_agents", "PBX agent"},
}

// audioKinds hold what an *_audio_uuid names: the merchant's PBX audio or
// an agent's own.
var audioKinds = []string{"pbx_audios", "user_pbx_audios"}

// timeOfDay is how the fake reads a time range's start_time and end_time,
// which the documents describe only as "Start time" and "End time": 24-hour
// HH:MM (09:00, 17:30), optionally with seconds.
var timeOfDay = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$`)

// countryCallingCode is an entry of a class of service's allowed_countries:
// "E.164 country calling codes (e.g. 1 for US/Canada, 44 for UK)".
var countryCallingCode = regexp.MustCompile(`^[1-9]\d{0,2}$`)

// checker collects what an object refers to while its rules run, and
// stops at the first broken rule.
type checker struct {
	err  error
	refs []ref
}

func (c *checker) fail(format string, args ...any) {
	if c.err == nil {
		c.err = badRequest(format, args...)
	}
}

// str is a string property ("" when absent).
func (c *checker) str(o obj, prop string) string {
	v, _ := o[prop].(string)
	return v
}

// num is a number property, and whether there is one.
func (c *checker) num(o obj, prop string) (float64, bool) {
	n, ok := o[prop].(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// nonNegative refuses a negative number in any of props.
func (c *checker) nonNegative(o obj, at string, props ...string) {
	for _, p := range props {
		if f, ok := c.num(o, p); ok && f < 0 {
			c.fail("%s%s must not be negative (%v): use 0 or more", at, p, o[p])
		}
	}
}

// ref records that prop of o names an object of one of kinds.
func (c *checker) ref(at, prop string, o obj, kinds ...string) {
	if id := c.str(o, prop); id != "" {
		c.refs = append(c.refs, ref{prop: at + prop, id: id, kinds: kinds})
	}
}

// action checks an action and its target, as a menu, a menu mapping, a
// time-based mapping, a phone number and a purchase carry them: the action
// is a documented one, and names an object of its type. required says
// whether the pair must be present.
func (c *checker) action(o obj, at, actionProp, targetProp string, required bool) {
	action, target := c.str(o, actionProp), c.str(o, targetProp)
	switch {
	case action == "" && target == "" && !required:
	case action == "":
		c.fail("%s%s is required: one of %s, with %s naming the object it routes to", at, actionProp, quoted(pbxActions), targetProp)
	case !slices.Contains(pbxActions, action):
		c.fail("%s%s %q is not a PBX action: use one of %s", at, actionProp, action, quoted(pbxActions))
	case target == "":
		c.fail("%s%s is required with %s %q: the uuid of the %s to route to", at, targetProp, actionProp, action, actionTargets[action][1])
	default:
		c.refs = append(c.refs, ref{prop: at + targetProp, id: target, kinds: []string{actionTargets[action][0]}})
	}
}

func quoted(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// objects returns the objects of an array property (nil entries left out).
func objects(o obj, prop string) []obj {
	list, _ := o[prop].([]any)
	var out []obj
	for _, v := range list {
		if m, ok := v.(obj); ok {
			out = append(out, m)
		}
	}
	return out
}

// checkMenu: a menu's default action and each mapping's action are
// documented actions naming objects that exist, each mapping has one, its
// digits and the timeout are not negative, and the greeting audio exists.
func checkMenu(c *checker, o obj) {
	c.action(o, "", "default_action", "default_action_target", false)
	c.nonNegative(o, "", "timeout")
	c.ref("", "play_audio_uuid", o, audioKinds...)
	for i, m := range objects(o, "mappings") {
		at := fmt.Sprintf("mappings[%d].", i)
		c.action(m, at, "action", "action_target", true)
		c.nonNegative(m, at, "digits")
	}
}

// checkTimeBased: each mapping names a time range and an action, the
// default mapping (if any) an action, all of them objects that exist.
func checkTimeBased(c *checker, o obj) {
	cfg, _ := o["mapping_config"].(obj)
	if cfg == nil {
		return
	}
	for i, m := range objects(cfg, "mappings") {
		at := fmt.Sprintf("mapping_config.mappings[%d].", i)
		if c.str(m, "time_range_uuid") == "" {
			c.fail("%stime_range_uuid is required: the time range during which the mapping's action applies", at)
		}
		c.ref(at, "time_range_uuid", m, "pbx_time_ranges")
		c.action(m, at, "action", "action_target", true)
	}
	if d, ok := cfg["default_mapping"].(obj); ok {
		c.action(d, "mapping_config.default_mapping.", "action", "action_target", true)
	}
}

// defaultTimezone is the PBX default time zone until one is set: "Falls
// back to America/New_York when unset".
const defaultTimezone = "America/New_York"

// timezone checks that prop, when present, is an IANA time zone.
func (c *checker) timezone(o obj, prop string) {
	if tz, ok := o[prop].(string); ok {
		if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
			c.fail("%s %q is not an IANA time zone: use a name of the tz database, such as America/New_York or UTC", prop, tz)
		}
	}
}

// checkDefaultTimezone: the PBX default time zone is an IANA zone.
func checkDefaultTimezone(c *checker, o obj) { c.timezone(o, "default_timezone") }

// checkTimeRange: an IANA time zone, and each config's times of day, days
// of the week and dates in range and in order.
func checkTimeRange(c *checker, o obj) {
	c.timezone(o, "timezone")
	for i, cfg := range objects(o, "configs") {
		at := fmt.Sprintf("configs[%d].", i)
		for _, p := range []string{"start_time", "end_time"} {
			if v, ok := cfg[p].(string); ok && !timeOfDay.MatchString(v) {
				c.fail("%s%s %q is not a time of day: use 24-hour HH:MM, such as 09:00 or 17:30", at, p, v)
			}
		}
		for _, p := range []string{"start_day_of_week", "end_day_of_week"} {
			if d, ok := c.num(cfg, p); ok && (d < 0 || d > 7 || d != float64(int(d))) {
				c.fail("%s%s %v is not a day of the week: use 0 to 7 (Sunday is 0 or 7, Monday 1)", at, p, cfg[p])
			}
		}
		start, serr := time.Parse(time.RFC3339Nano, c.str(cfg, "start_date"))
		end, eerr := time.Parse(time.RFC3339Nano, c.str(cfg, "end_date"))
		if serr == nil && eerr == nil && end.Before(start) {
			c.fail("%send_date %s is before start_date %s: a range must end after it begins", at, cfg["end_date"], cfg["start_date"])
		}
	}
}

// checkQueue: the members are PBX agents, the mailbox and audio exist,
// and no duration or count is negative.
func checkQueue(c *checker, o obj) {
	c.nonNegative(o, "", "max_hold_seconds", "wait_warning_seconds", "wait_critical_seconds", "wrap_up_seconds",
		"ai_timeout_seconds", "callback_max_attempts", "callback_max_offers", "callback_max_pending",
		"callback_offer_after_seconds", "callback_offer_interval_seconds", "callback_retry_delay_seconds")
	c.ref("", "conversation_voicemail_mailbox_uuid", o, "pbx_voicemail_mailboxes")
	for _, p := range []string{"hold_conversation_pbx_audio_uuid", "play_audio_uuid", "no_agent_available_play_audio_uuid",
		"callback_announce_audio_uuid", "callback_confirm_audio_uuid"} {
		c.ref("", p, o, audioKinds...)
	}
	if m, ok := o["members"].(obj); ok {
		users, _ := m["users"].([]any)
		for i, u := range users {
			c.refs = append(c.refs, ref{prop: fmt.Sprintf("members.users[%d]", i), id: idKey(u), kinds: []string{"pbx_agents"}, byUserID: true})
		}
	}
}

// checkMailbox: its audio exists, and an agent's mailbox names a PBX agent.
func checkMailbox(c *checker, o obj) {
	c.ref("", "voicemail_prompt_play_audio_uuid", o, audioKinds...)
	c.ref("", "voicemail_followup_play_audio_uuid", o, audioKinds...)
	if u, ok := o["user_id"]; ok {
		c.refs = append(c.refs, ref{prop: "user_id", id: idKey(u), kinds: []string{"pbx_agents"}, byUserID: true})
	}
}

// checkAgent: the class of service, phone number, hardware phones,
// mailboxes and audio a PBX agent names exist.
func checkAgent(c *checker, o obj) {
	c.ref("", "cos_uuid", o, "pbx_classes_of_service")
	c.ref("", "default_phone_number_uuid", o, "pbx_phone_numbers")
	c.ref("", "preferred_hardware_phone_uuid", o, "pbx_hardware_phones")
	c.ref("", "personal_conversation_pbx_voicemail_mailbox_uuid", o, "pbx_voicemail_mailboxes")
	c.ref("", "shared_conversation_pbx_voicemail_mailbox_uuid", o, "pbx_voicemail_mailboxes")
	c.ref("", "unavailable_play_audio_uuid", o, audioKinds...)
	phones, _ := o["hardware_phone_uuids"].([]any)
	for i, p := range phones {
		if id, _ := p.(string); id != "" {
			c.refs = append(c.refs, ref{prop: fmt.Sprintf("hardware_phone_uuids[%d]", i), id: id, kinds: []string{"pbx_hardware_phones"}})
		}
	}
}

// checkHardwarePhone: the agent it belongs to exists.
func checkHardwarePhone(c *checker, o obj) {
	c.ref("", "conversation_pbx_agent_uuid", o, "pbx_agents")
}

// checkClassOfService: allowed_countries are calling codes, the time range
// exists.
func checkClassOfService(c *checker, o obj) {
	list, _ := o["allowed_countries"].([]any)
	for i, v := range list {
		if s, _ := v.(string); !countryCallingCode.MatchString(s) {
			c.fail("allowed_countries[%d] %q is not an E.164 country calling code: use digits, such as 1 for the US and Canada or 44 for the UK", i, s)
		}
	}
	c.ref("", "time_range_uuid", o, "pbx_time_ranges")
}

// checkPhoneNumber: its action names an object that exists.
func checkPhoneNumber(c *checker, o obj) {
	c.action(o, "", "action", "action_target", false)
}

// checkBudget: the virtual agent's budgets and usage are not negative.
func checkBudget(c *checker, o obj) {
	c.nonNegative(o, "", "budget_daily", "budget_monthly", "used_daily", "used_monthly")
}

// checkMcpServer: the URL is https, as documented, and the chosen
// authorization method has what it needs.
func checkMcpServer(c *checker, o obj) {
	if u := c.str(o, "url"); !strings.HasPrefix(strings.ToLower(u), "https://") {
		c.fail("url must be an https URL (%q): UltraCart connects to MCP servers over https only", u)
	}
	switch c.str(o, "auth_method") {
	case "header":
		if c.str(o, "header_name") == "" {
			c.fail("header_name is required with auth_method \"header\": the header that carries header_value")
		}
	case "basic":
		if c.str(o, "basic_user_name") == "" {
			c.fail("basic_user_name is required with auth_method \"basic\"")
		}
	}
}
