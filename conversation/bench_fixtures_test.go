package conversation_test

// Payloads of the benchmarks. The single-object payloads are fixed files in
// testdata/bench (written once by the deterministic filler below, run with
// -bench.regen); the 10,000 conversation summaries of the pagination
// benchmark are built in code from a fixed seed. Either way every run of every
// version serves the same bytes, so bench.txt files stay comparable.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/uctime"
)

var benchRegen = flag.Bool("bench.regen", false, "rewrite the benchmark payloads in testdata/bench")

const benchDir = "testdata/bench"

// Payload files, the bounds TestBenchPayloads holds them to, and the
// reference schema each must be valid by (TestBenchPayloadsValid).
var benchFiles = []struct {
	name     string
	min, max int // bytes
	schema   string
	build    func(benchRef) any
}{
	{"conversation.json", 1500, 3500, "ConversationResponse", benchConversation},             // getConversation: three messages
	{"context.json", 80 << 10, 130 << 10, "ConversationWebchatContext", benchWebchatContext}, // getConversationContext: cart, orders, auto order
	{"engagement.json", 1000, 8 << 10, "ConversationEngagement", benchEngagement},            // insertConversationEngagement body
	{"department.json", 500, 8 << 10, "ConversationDepartment", benchDepartment},             // insertConversationDepartment body
	{"canned_message.json", 300, 4 << 10, "ConversationCannedMessage", benchCannedMessage},   // insertConversationCannedMessage body
}

// Page geometry of the list and pagination benchmarks.
const (
	benchPageSize   = conversation.MaxPageSize // 200
	benchTotalPages = 50                       // 10,000 summaries
)

// benchPayloads holds everything the benchmarks serve or send, built once.
type benchPayloads struct {
	conversation []byte // ConversationResponse
	context      []byte // ConversationWebchatContext

	engagement    conversation.ConversationEngagement
	department    conversation.ConversationDepartment
	cannedMessage conversation.ConversationCannedMessage

	// Small replies of the insert endpoints: the server discards the body.
	engagementReply, departmentReply, cannedReply []byte
}

var (
	benchPayloadsOnce sync.Once
	benchPayloadsData *benchPayloads
	benchPayloadsErr  error
)

func loadBenchPayloads(tb testing.TB) *benchPayloads {
	tb.Helper()
	benchPayloadsOnce.Do(func() { benchPayloadsData, benchPayloadsErr = readBenchPayloads() })
	if benchPayloadsErr != nil {
		tb.Fatal(benchPayloadsErr)
	}
	return benchPayloadsData
}

func readBenchPayloads() (*benchPayloads, error) {
	p := &benchPayloads{}
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(benchDir, name)) }
	var err error
	if p.conversation, err = read("conversation.json"); err != nil {
		return nil, err
	}
	if p.context, err = read("context.json"); err != nil {
		return nil, err
	}
	for name, dst := range map[string]any{
		"engagement.json":     &p.engagement,
		"department.json":     &p.department,
		"canned_message.json": &p.cannedMessage,
	} {
		b, err := read(name)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, dst); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	ok := true
	oid := int32(4711)
	// The service echoes the object with its new oid; the reply is kept small
	// (just the oid) so that the request body dominates these benchmarks.
	p.engagementReply = benchJSON(conversation.ConversationEngagementResponse{Success: &ok,
		ConversationEngagement: &conversation.ConversationEngagement{ConversationEngagementOid: &oid}})
	p.departmentReply = benchJSON(conversation.ConversationDepartmentResponse{Success: &ok,
		ConversationDepartment: &conversation.ConversationDepartment{ConversationDepartmentOid: &oid}})
	p.cannedReply = benchJSON(conversation.ConversationCannedMessageResponse{Success: &ok,
		ConversationCannedMessage: &conversation.ConversationCannedMessage{ConversationCannedMessageOid: &oid}})
	return p, nil
}

// benchPagesData holds the 50 pages of the pagination benchmark (15 MB of
// JSON in all), each built on first use.
var benchPagesData [benchTotalPages]func() []byte

func init() {
	for i := range benchPagesData {
		benchPagesData[i] = sync.OnceValue(func() []byte { return benchJSON(benchPage(i)) })
	}
}

func benchJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// TestBenchPayloads checks the payload files: present, decodable into their
// types, of the documented sizes, and (with -bench.regen, which needs the
// reference) rewrites them. It runs in the ordinary test suite and takes
// milliseconds.
func TestBenchPayloads(t *testing.T) {
	if *benchRegen {
		ref, err := loadBenchRef()
		if err != nil {
			t.Fatalf("-bench.regen fills the payloads from the reference's schemas: %v", err)
		}
		for _, f := range benchFiles {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(f.build(ref)); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(benchDir, f.name), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range benchFiles {
		b, err := os.ReadFile(filepath.Join(benchDir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < f.min || len(b) > f.max {
			t.Errorf("%s: %d bytes, want %d..%d", f.name, len(b), f.min, f.max)
		}
		if !json.Valid(b) {
			t.Errorf("%s: not valid JSON", f.name)
		}
	}
	p := loadBenchPayloads(t)
	var conv conversation.ConversationResponse
	if err := json.Unmarshal(p.conversation, &conv); err != nil || conv.Conversation == nil || len(conv.Conversation.Messages) == 0 {
		t.Fatalf("conversation.json: %v", err)
	}
	var wc conversation.ConversationWebchatContext
	if err := json.Unmarshal(p.context, &wc); err != nil || wc.Cart == nil || len(wc.Orders) == 0 || len(wc.AutoOrders) == 0 {
		t.Fatalf("context.json: %v", err)
	}
	page0 := benchJSON(benchPage(0))
	var page conversation.ConversationsResponse
	if err := json.Unmarshal(page0, &page); err != nil || len(page.Conversations) != benchPageSize {
		t.Fatalf("page 0: %v, %d summaries", err, len(page.Conversations))
	}
	if !bytes.Equal(benchJSON(benchPage(0)), page0) {
		t.Fatal("pages are not deterministic")
	}
	t.Logf("conversation %d B, context %d B, page %d B", len(p.conversation), len(p.context), len(page0))
}

// TestBenchPayloadsValid checks every payload the benchmarks serve or send
// against the v4 reference, as a strict client would: each file, the insert
// replies, and the first, a middle and the last page of summaries (the
// summaries repeat their patterns within a page).
func TestBenchPayloadsValid(t *testing.T) {
	ref := benchReference(t)
	type doc struct {
		name, schema string
		body         []byte
	}
	var docs []doc
	for _, f := range benchFiles {
		b, err := os.ReadFile(filepath.Join(benchDir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc{f.name, f.schema, b})
	}
	p := loadBenchPayloads(t)
	docs = append(docs,
		doc{"engagement reply", "ConversationEngagementResponse", p.engagementReply},
		doc{"department reply", "ConversationDepartmentResponse", p.departmentReply},
		doc{"canned message reply", "ConversationCannedMessageResponse", p.cannedReply})
	for _, n := range []int{0, benchTotalPages / 2, benchTotalPages - 1} {
		docs = append(docs, doc{fmt.Sprintf("page %d", n), "ConversationsResponse", benchPagesData[n]()})
	}
	for _, d := range docs {
		if errs := ref.check(d.schema, d.body); len(errs) > 0 {
			t.Errorf("%s is not a valid %s: %d problems:\n\t%s", d.name, d.schema, len(errs), strings.Join(errs, "\n\t"))
		}
	}
}

// --- conversation summaries, built in code ------------------------------------

var benchEpoch = time.Date(2025, 3, 14, 9, 26, 53, 0, time.FixedZone("EST", -5*3600))

func benchPtr[T any](v T) *T { return &v }

func benchTime(minutes int) *uctime.Time {
	return uctime.Ptr(benchEpoch.Add(time.Duration(minutes) * time.Minute))
}

// benchPage is page n (offset n*benchPageSize) of the 10,000 summaries.
func benchPage(n int) conversation.ConversationsResponse {
	sums := make([]conversation.ConversationSummary, benchPageSize)
	for i := range sums {
		sums[i] = benchSummary(n*benchPageSize + i)
	}
	more := n+1 < benchTotalPages
	meta := &conversation.ResponseMetadata{PayloadName: benchPtr("ConversationsResponse"), ResultSet: &conversation.ResultSet{
		Count: benchPtr(int32(benchPageSize)), Limit: benchPtr(int32(benchPageSize)), More: &more,
		Offset: benchPtr(int32(n * benchPageSize)), TotalRecords: benchPtr(int32(benchTotalPages * benchPageSize)),
	}}
	if more {
		meta.ResultSet.NextOffset = benchPtr(int32((n + 1) * benchPageSize))
	}
	return conversation.ConversationsResponse{Conversations: sums, Metadata: meta, Success: benchPtr(true)}
}

func benchSummary(i int) conversation.ConversationSummary {
	r := newBenchRand(uint64(i) + 1)
	medium := conversation.ConversationMediumSms
	if i%3 == 0 {
		medium = conversation.ConversationMediumWebsocket
	}
	uuid := r.uuid()
	customer := benchFirstNames[i%len(benchFirstNames)] + " " + benchLastNames[(i/7)%len(benchLastNames)]
	customerARN := "arn:aws:conversation:us-east-1:DEMO:participant/" + r.uuid()
	return conversation.ConversationSummary{
		Closed:                               benchPtr(i%5 == 0),
		ConversationARN:                      benchPtr("arn:aws:conversation:us-east-1:DEMO:conversation/" + uuid),
		ConversationUUID:                     benchPtr(uuid),
		CustomerFirstMessageUnrespondedToDts: benchTime(-i),
		LastConversationMessageBody:          benchPtr(benchSentences[i%len(benchSentences)]),
		LastConversationParticipantARN:       benchPtr(customerARN),
		LastConversationParticipantName:      benchPtr(customer),
		LastInteractiveMessageDts:            benchTime(-i + 1),
		LastMessageDts:                       benchTime(-i + 2),
		Medium:                               &medium,
		MerchantID:                           benchPtr("DEMO"),
		MessageCount:                         benchPtr(int32(3 + i%40)),
		Participants: []conversation.ConversationParticipant{
			benchParticipant(r, customerARN, customer, i, false),
			benchParticipant(r, "arn:aws:conversation:us-east-1:DEMO:participant/"+r.uuid(), "Agent "+benchLastNames[i%len(benchLastNames)], i, true),
		},
		StartDts:       benchTime(-i - 90),
		UnreadMessages: benchPtr(i%4 == 0),
		Visible:        benchPtr(true),
	}
}

func benchParticipant(r *benchRand, arn, name string, i int, agent bool) conversation.ConversationParticipant {
	p := conversation.ConversationParticipant{
		ConversationParticipantARN:  benchPtr(arn),
		ConversationParticipantName: benchPtr(name),
		ConversationParticipantUUID: benchPtr(r.uuid()),
		JoinedDts:                   benchTime(-i - 90),
		Status:                      benchPtr("active"),
		UnreadMessages:              benchPtr(int32(i % 3)),
	}
	if agent {
		p.Email = benchPtr(fmt.Sprintf("agent%d@example-store.com", i%17))
	} else {
		p.SmsPhoneNumber = benchPtr(fmt.Sprintf("+1404555%04d", i%10000))
	}
	return p
}

// --- the single-object payloads: written to testdata/bench by -bench.regen ---

func benchConversation(benchRef) any {
	r := newBenchRand(42)
	uuid := r.uuid()
	customerARN := "arn:aws:conversation:us-east-1:DEMO:participant/" + r.uuid()
	agentARN := "arn:aws:conversation:us-east-1:DEMO:participant/" + r.uuid()
	medium := conversation.ConversationMediumSms
	var msgs []conversation.ConversationMessage
	for i, body := range benchSentences[:3] {
		arn, name := customerARN, "Jane Smith"
		if i%2 == 1 {
			arn, name = agentARN, "Agent Brown"
		}
		msgs = append(msgs, conversation.ConversationMessage{
			AuthorConversationParticipantARN:  benchPtr(arn),
			AuthorConversationParticipantName: benchPtr(name),
			Body:                              benchPtr(body),
			ConversationMessageUUID:           benchPtr(r.uuid()),
			MessageDts:                        benchTime(i * 2),
			MessageEpoch:                      benchPtr(benchEpoch.Add(time.Duration(i*2) * time.Minute).UnixMilli()),
		})
	}
	c := conversation.Conversation{
		BaseLanguageIsoCode:             benchPtr("en"),
		Closed:                          benchPtr(false),
		ConversationARN:                 benchPtr("arn:aws:conversation:us-east-1:DEMO:conversation/" + uuid),
		ConversationUUID:                benchPtr(uuid),
		LastConversationMessageBody:     msgs[len(msgs)-1].Body,
		LastConversationParticipantARN:  benchPtr(customerARN),
		LastConversationParticipantName: benchPtr("Jane Smith"),
		LastInteractiveMessageDts:       benchTime(8),
		LastMessageDts:                  benchTime(8),
		Medium:                          &medium,
		MerchantID:                      benchPtr("DEMO"),
		MessageCount:                    benchPtr(int32(len(msgs))),
		Messages:                        msgs,
		StartDts:                        benchTime(0),
		UnreadMessages:                  benchPtr(true),
		Visible:                         benchPtr(true),
	}
	c.Participants = []conversation.ConversationParticipant{
		benchParticipant(r, customerARN, "Jane Smith", 1, false), benchParticipant(r, agentARN, "Agent Brown", 1, true)}
	return conversation.ConversationResponse{Conversation: &c, Success: benchPtr(true),
		Metadata: &conversation.ResponseMetadata{PayloadName: benchPtr("ConversationResponse")}}
}

func benchWebchatContext(ref benchRef) any {
	f := &benchFiller{r: newBenchRand(7), ref: ref}
	var wc conversation.ConversationWebchatContext
	f.fill(reflect.ValueOf(&wc).Elem(), benchRefProp{Ref: "ConversationWebchatContext"}, "", 0)
	// Every field that both the model and the reference have is filled, down
	// to the filler's nesting bounds (lists with two entries at the top, one
	// deeper); a third order, filled at the depth of the other two, brings it
	// to 115 KiB: a returning customer with a cart, three past orders and two
	// subscriptions.
	var third conversation.Order
	f.fill(reflect.ValueOf(&third).Elem(), benchRefProp{Ref: "Order"}, "orders", 2)
	wc.Orders = append(wc.Orders, third)
	return wc
}

func benchEngagement(ref benchRef) any {
	f := &benchFiller{r: newBenchRand(11), ref: ref}
	var e conversation.ConversationEngagement
	f.fill(reflect.ValueOf(&e).Elem(), benchRefProp{Ref: "ConversationEngagement"}, "", 0)
	e.DepartmentOids = []int{101, 102, 103, 104, 105, 106}
	// The equation in its v4 shape: groups of functions, each function a
	// type with its listed logic and a value.
	benchSetFreeForm(&e.Equation, map[string]any{
		"groups": []any{
			map[string]any{"functions": []any{
				map[string]any{"type": "current page url", "current_page_url_logic": "contains", "current_page_url_value": "/checkout"},
				map[string]any{"type": "customers browsing time", "customers_browsing_time_logic": "is at least", "customers_browsing_time_seconds": 30.0},
			}},
			map[string]any{"functions": []any{
				map[string]any{"type": "any page from session", "any_page_url_logic": "contains", "any_page_url_value": "/cart"},
				map[string]any{"type": "referring website address", "referring_website_logic": "contains", "referring_website_value": "https://www.google.com/"},
				map[string]any{"type": "number of viewed pages", "number_of_viewed_pages_logic": "is more than", "number_of_viewed_pages_value": 3.0},
				map[string]any{"type": "customers location", "customers_location_logic": "is", "customers_location_country": "US", "customers_location_state": "GA"},
			}},
		},
	})
	e.CustomerGreeting = benchPtr("Hi there! Looks like you're about to check out. " + strings.Join(benchSentences[:6], " "))
	return e
}

func benchDepartment(ref benchRef) any {
	f := &benchFiller{r: newBenchRand(13), ref: ref}
	var d conversation.ConversationDepartment
	f.fill(reflect.ValueOf(&d).Elem(), benchRefProp{Ref: "ConversationDepartment"}, "", 0)
	benchSetFreeForm(&d.Settings, map[string]any{
		"hours": map[string]any{
			"timezone": "America/New_York",
			"monday":   []any{"09:00", "17:00"}, "tuesday": []any{"09:00", "17:00"}, "wednesday": []any{"09:00", "17:00"},
			"thursday": []any{"09:00", "17:00"}, "friday": []any{"09:00", "15:00"},
		},
		"auto_assign": true, "max_concurrent_chats": 4.0, "offline_message": strings.Join(benchSentences[2:6], " "),
		"escalation": map[string]any{"after_seconds": 120.0, "to_department_oid": 7.0, "notify": []any{"lead@example-store.com", "ops@example-store.com"}},
	})
	return d
}

// benchSetFreeForm sets an object field, whatever Go type the generator gives
// it (a map, json.RawMessage or a struct), by decoding v's JSON into its zero
// value.
func benchSetFreeForm(field any, v map[string]any) {
	reflect.ValueOf(field).Elem().SetZero()
	if err := json.Unmarshal(benchJSON(v), field); err != nil {
		panic(err)
	}
}

func benchCannedMessage(benchRef) any {
	return conversation.ConversationCannedMessage{
		CannedMessage:                benchPtr(strings.Join(benchSentences, " ")),
		ConversationCannedMessageOid: benchPtr(int32(0)),
		ConversationDepartmentOids:   []int{101, 102, 103},
		ShortCode:                    benchPtr("shipping-delay"),
	}
}

// --- deterministic filler ---------------------------------------------------

// benchRand is SplitMix64: a fixed, version-independent sequence.
type benchRand struct{ s uint64 }

func newBenchRand(seed uint64) *benchRand { return &benchRand{s: seed} }

func (r *benchRand) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *benchRand) intn(n int) int { return int(r.next() % uint64(n)) }

func (r *benchRand) uuid() string {
	a, b := r.next(), r.next()
	return fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, b>>52, b&0xffffffffffff)
}

var (
	benchFirstNames = []string{"Jane", "Omar", "Priya", "Luis", "Mei", "Tom", "Aisha", "Noah", "Sofia", "Ken"}
	benchLastNames  = []string{"Smith", "Garcia", "Patel", "Nguyen", "Brown", "Okafor", "Muller", "Kim", "Rossi", "Cohen"}
	benchSentences  = []string{
		"Hi, I ordered the walnut desk organizer last week and the tracking has not updated since Tuesday.",
		"Sorry about that! Let me look up your order, one moment please.",
		"It shipped from our Atlanta warehouse on the 11th; the carrier shows a weather delay in Memphis.",
		"OK, will it still arrive before Friday? It is a birthday present.",
		"It should arrive Thursday. I have added a 10% coupon to your account for the trouble.",
		"Great, thank you so much for the quick help!",
		"Is there anything else I can help you with today?",
	}
	benchWords = strings.Fields("walnut oak maple desk organizer lamp shelf cable tray monitor riser drawer premium classic compact deluxe matte brushed")
)

// benchEnumPreferred are the values the filler picks for an enum field that
// lists one of them: what a typical store's data holds. Other enum fields get
// a listed value chosen by the seed.
var benchEnumPreferred = []string{
	"active", "Monthly", "VISA", "Image", "dropdown", "IN", "LB", "Completed Order", "Approved", "Yes",
	"physical", "none", "Credit Card", "Processed", "Checking", "Personal", "returning", "POSITIVE",
}

// benchFiller sets every field of a model that the v4 reference describes to
// a plausible value derived from its JSON name, deterministically: enum
// fields to a listed value, strings within their maxLength, date-times as
// RFC 3339. Fields the reference does not have stay unset, so what it writes
// is valid by the reference (TestBenchPayloadsValid).
type benchFiller struct {
	r   *benchRand
	ref benchRef
	n   int
}

var (
	benchTimeType = reflect.TypeFor[uctime.Time]()
	benchRawType  = reflect.TypeFor[json.RawMessage]()
)

// Nesting bounds of the filler (depth counts pointers, fields and list
// entries): objects reached through a pointer below benchMaxObjectDepth and
// anything below benchMaxDepth stay unset; lists have two entries down to
// benchTwoEntriesDepth and one below.
const (
	benchMaxDepth        = 7
	benchMaxObjectDepth  = 5
	benchTwoEntriesDepth = 2
)

// fill sets v, the Go side of a value the reference describes as p, and
// reports whether it set anything. It leaves v alone when the reference has
// no such field, when v's Go type cannot hold what the reference describes,
// or past the nesting bounds.
func (f *benchFiller) fill(v reflect.Value, p benchRefProp, name string, depth int) bool {
	if depth > benchMaxDepth+1 || depth > benchMaxDepth && (v.Kind() == reflect.Struct || v.Kind() == reflect.Slice || v.Kind() == reflect.Map) {
		return false
	}
	f.n++
	t := v.Type()
	switch {
	case t.Kind() == reflect.Pointer:
		if depth > benchMaxObjectDepth && t.Elem().Kind() == reflect.Struct && t.Elem() != benchTimeType {
			return false // bound the nesting of optional objects
		}
		e := reflect.New(t.Elem())
		if !f.fill(e.Elem(), p, name, depth+1) {
			return false
		}
		v.Set(e)
		return true
	case t == benchTimeType:
		if p.Type != "string" || p.Format != "date-time" {
			return false
		}
		v.Set(reflect.ValueOf(uctime.New(f.instant())))
		return true
	case p.Type == "object": // free-form
		switch {
		case t == benchRawType:
			v.SetBytes([]byte(`{"source":"newsletter","campaign":"spring"}`))
		case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.Interface:
			v.Set(reflect.ValueOf(map[string]any{"source": "newsletter", "campaign": "spring"}).Convert(t))
		default:
			return false
		}
		return true
	case p.Ref != "":
		props, ok := f.ref[p.Ref]
		if !ok || t.Kind() != reflect.Struct {
			return false
		}
		set := false
		for i := range v.NumField() {
			sf := t.Field(i)
			tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			sub, ok := props[tag]
			if !sf.IsExported() || !ok {
				continue
			}
			if f.fill(v.Field(i), sub, tag, depth+1) {
				set = true
			}
		}
		return set
	}
	switch p.Type {
	case "array":
		if t.Kind() != reflect.Slice || t == benchRawType || p.Items == nil {
			return false
		}
		n := 2
		if depth > benchTwoEntriesDepth {
			n = 1
		}
		s := reflect.MakeSlice(t, 0, n)
		for range n {
			e := reflect.New(t.Elem()).Elem()
			if f.fill(e, *p.Items, name, depth+1) {
				s = reflect.Append(s, e)
			}
		}
		if s.Len() == 0 {
			return false
		}
		v.Set(s)
		return true
	case "string":
		if t.Kind() != reflect.String {
			return false
		}
		v.SetString(f.str(p, name))
		return true
	case "boolean":
		if t.Kind() != reflect.Bool {
			return false
		}
		v.SetBool(f.r.intn(2) == 0)
		return true
	case "integer":
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			v.SetInt(int64(1 + f.r.intn(5000)))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			v.SetUint(uint64(1 + f.r.intn(5000)))
		default:
			return false
		}
		return true
	case "number":
		if t.Kind() != reflect.Float32 && t.Kind() != reflect.Float64 {
			return false
		}
		v.SetFloat(float64(f.r.intn(500)) + 0.99) // prices: 0.99 .. 499.99
		return true
	}
	return false
}

// instant is a date-time within the 90 days before benchEpoch.
func (f *benchFiller) instant() time.Time {
	return benchEpoch.Add(time.Duration(f.r.intn(90*24*60)) * -time.Minute)
}

// str is a value for a string the reference describes as p.
func (f *benchFiller) str(p benchRefProp, name string) string {
	if len(p.Enum) > 0 {
		for _, v := range p.Enum {
			if slices.Contains(benchEnumPreferred, v) {
				return v
			}
		}
		return p.Enum[f.r.intn(len(p.Enum))]
	}
	if p.Format == "date-time" {
		return f.instant().Format(time.RFC3339)
	}
	s := f.text(name)
	if p.MaxLength != nil {
		s = benchFit(s, *p.MaxLength)
	}
	return s
}

// benchFit cuts s to at most max characters, without a dangling separator.
func benchFit(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := strings.TrimRight(string(r[:max]), " -.,/:@")
	if cut == "" {
		cut = string(r[:max])
	}
	return cut
}

// text is a plausible string for a field with the given JSON name.
func (f *benchFiller) text(name string) string {
	i := f.r.intn(10000)
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(name, x) {
				return true
			}
		}
		return false
	}
	switch {
	case has("aba", "routing"):
		return fmt.Sprintf("0%08d", i*7919%100000000) // nine digits
	case has("tax_id"):
		return fmt.Sprintf("58%07d", i*104729%10000000) // an EIN without the dash
	case has("dob", "birth"):
		return benchEpoch.AddDate(-20-i%40, 0, -i%365).Format(time.DateOnly)
	case has("sales_rep"):
		return fmt.Sprintf("REP%03d", i%1000)
	case has("email"):
		return fmt.Sprintf("%s.%s%d@example.com", strings.ToLower(benchFirstNames[i%10]), strings.ToLower(benchLastNames[i/10%10]), i)
	case has("url", "uri", "href", "referrer"):
		return fmt.Sprintf("https://www.example-store.com/products/%s-%s-%d?utm_source=newsletter", benchWords[i%len(benchWords)], benchWords[i/7%len(benchWords)], i)
	case has("uuid", "guid", "token", "hash", "session_id", "cart_id"):
		return f.r.uuid()
	case has("arn"):
		return "arn:aws:conversation:us-east-1:DEMO:participant/" + f.r.uuid()
	case has("phone", "fax"):
		return fmt.Sprintf("+1404555%04d", i)
	case has("country"):
		return "US"
	case has("currency"):
		return "USD"
	case has("language", "iso_code", "locale"):
		return "en"
	case has("state", "province", "region"):
		return "GA"
	case has("postal", "zip"):
		return fmt.Sprintf("30%03d", i%1000)
	case has("city"):
		return "Atlanta"
	case has("first_name"):
		return benchFirstNames[i%10]
	case has("last_name"):
		return benchLastNames[i%10]
	case has("company"):
		return benchLastNames[i%10] + " Home Office LLC"
	case has("address"):
		return fmt.Sprintf("%d Peachtree St NE, Suite %d", 100+i%900, i%50)
	case has("merchant_id"):
		return "DEMO"
	case has("order_id", "reference"):
		return fmt.Sprintf("DEMO-%010d", 2025000000+i)
	case has("item_id", "sku", "code"):
		return fmt.Sprintf("%s-%04d", strings.ToUpper(benchWords[i%len(benchWords)]), i)
	case has("ip_address", "_ip"):
		return fmt.Sprintf("203.0.113.%d", i%255)
	case has("description", "message", "comment", "note", "text", "greeting", "body"):
		return benchSentences[i%len(benchSentences)]
	case has("name", "title"):
		return strings.ToUpper(benchWords[i%len(benchWords)][:1]) + benchWords[i%len(benchWords)][1:] + " " + benchWords[i/3%len(benchWords)] + " " + benchWords[i/11%len(benchWords)]
	}
	return benchWords[i%len(benchWords)] + " " + benchWords[i/5%len(benchWords)]
}
