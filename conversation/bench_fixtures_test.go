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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/uctime"
)

var benchRegen = flag.Bool("bench.regen", false, "rewrite the benchmark payloads in testdata/bench")

const benchDir = "testdata/bench"

// Payload files, and the bounds TestBenchPayloads holds them to.
var benchFiles = []struct {
	name     string
	min, max int // bytes
	build    func() any
}{
	{"conversation.json", 1500, 3500, benchConversation},       // getConversation: three messages
	{"context.json", 80 << 10, 130 << 10, benchWebchatContext}, // getConversationContext: cart, orders, auto order
	{"engagement.json", 1000, 8 << 10, benchEngagement},        // insertConversationEngagement body
	{"department.json", 500, 8 << 10, benchDepartment},         // insertConversationDepartment body
	{"canned_message.json", 300, 4 << 10, benchCannedMessage},  // insertConversationCannedMessage body
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
// types, of the documented sizes, and (with -bench.regen) rewrites them. It
// runs in the ordinary test suite and takes milliseconds.
func TestBenchPayloads(t *testing.T) {
	if *benchRegen {
		for _, f := range benchFiles {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(f.build()); err != nil {
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
	medium := conversation.MediumSMS
	if i%3 == 0 {
		medium = conversation.MediumWebsocket
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

func benchConversation() any {
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

func benchWebchatContext() any {
	f := &benchFiller{r: newBenchRand(7)}
	var wc conversation.ConversationWebchatContext
	f.fill(reflect.ValueOf(&wc).Elem(), "", 0)
	// Every field is filled (lists with two entries at the top, one deeper);
	// a third order brings it to ~100 KB: a returning customer with a cart,
	// three past orders and two subscriptions.
	var more []conversation.Order
	f.fill(reflect.ValueOf(&more).Elem(), "orders", 0)
	wc.Orders = append(wc.Orders, more[0])
	return wc
}

func benchEngagement() any {
	f := &benchFiller{r: newBenchRand(11)}
	var e conversation.ConversationEngagement
	f.fill(reflect.ValueOf(&e).Elem(), "", 0)
	e.DepartmentOids = []int{101, 102, 103, 104, 105, 106}
	benchSetFreeForm(&e.Equation, map[string]any{
		"match": "all",
		"groups": []any{
			map[string]any{"match": "any", "clauses": []any{
				map[string]any{"field": "page_url", "operator": "contains", "value": "/checkout"},
				map[string]any{"field": "page_url", "operator": "contains", "value": "/cart"},
				map[string]any{"field": "referrer", "operator": "starts_with", "value": "https://www.google.com/"},
			}},
			map[string]any{"match": "all", "clauses": []any{
				map[string]any{"field": "cart_subtotal", "operator": "greater_than", "value": 150.0},
				map[string]any{"field": "time_on_page", "operator": "greater_than", "value": 30.0},
				map[string]any{"field": "visitor_type", "operator": "equals", "value": "returning"},
				map[string]any{"field": "country", "operator": "in", "value": []any{"US", "CA", "GB", "AU"}},
			}},
		},
	})
	e.CustomerGreeting = benchPtr("Hi there! Looks like you're about to check out. " + strings.Join(benchSentences[:6], " "))
	return e
}

func benchDepartment() any {
	f := &benchFiller{r: newBenchRand(13)}
	var d conversation.ConversationDepartment
	f.fill(reflect.ValueOf(&d).Elem(), "", 0)
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

// benchSetFreeForm sets a free-form object field, whatever Go type the
// generator gives it (a map or json.RawMessage), by decoding v's JSON into it.
func benchSetFreeForm(field any, v map[string]any) {
	if err := json.Unmarshal(benchJSON(v), field); err != nil {
		panic(err)
	}
}

func benchCannedMessage() any {
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

// benchEnumValues gives enum-typed fields a documented value, by type name.
var benchEnumValues = map[string]string{
	"AutoOrderStatus": "active", "AutoOrderItemFrequency": "Monthly", "AutoOrderItemSimpleScheduleFrequency": "Monthly",
	"CartCustomerProfileCreditCardCardType": "VISA", "CartItemMultimediaType": "Image", "CartItemOptionType": "dropdown",
	"CartKitComponentOptionType": "dropdown", "DistanceUom": "IN", "OrderCurrentStage": "Completed Order",
	"OrderAffiliateLedgerTransactionState": "Approved", "OrderAutoOrderStatus": "active", "OrderFraudScoreBinMatch": "Yes",
	"OrderItemTaxProductType": "physical", "OrderItemOptionAdditionalDimensionApplication": "none",
	"OrderPaymentPaymentMethod": "Credit Card", "OrderPaymentPaymentStatus": "Processed",
	"OrderPaymentCreditCardCardType": "VISA", "OrderPaymentECheckBankAccountType": "Checking",
	"OrderPaymentECheckBankOwnerType": "Personal", "WeightUom": "LB",
}

// benchFiller sets every exported field of a model to a plausible value derived
// from its JSON name, deterministically.
type benchFiller struct {
	r *benchRand
	n int
}

var (
	benchTimeType = reflect.TypeFor[uctime.Time]()
	benchRawType  = reflect.TypeFor[json.RawMessage]()
)

func (f *benchFiller) fill(v reflect.Value, name string, depth int) {
	if depth > 7 {
		return
	}
	f.n++
	switch v.Kind() {
	case reflect.Pointer:
		if depth > 5 && v.Type().Elem().Kind() == reflect.Struct && v.Type().Elem() != benchTimeType {
			return // bound the nesting of optional objects
		}
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem(), name, depth+1)
		v.Set(p)
	case reflect.Struct:
		if v.Type() == benchTimeType {
			v.Set(reflect.ValueOf(uctime.New(benchEpoch.Add(time.Duration(f.r.intn(90*24*60)) * -time.Minute))))
			return
		}
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if !sf.IsExported() || tag == "-" {
				continue
			}
			f.fill(v.Field(i), tag, depth+1)
		}
	case reflect.Slice:
		if v.Type() == benchRawType {
			v.SetBytes([]byte(`{"source":"newsletter","campaign":"spring"}`))
			return
		}
		n := 2
		if depth > 2 {
			n = 1
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			f.fill(s.Index(i), name, depth+1)
		}
		v.Set(s)
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return
		}
		m := reflect.MakeMap(v.Type())
		for _, k := range []string{"source", "campaign"} {
			e := reflect.New(v.Type().Elem()).Elem()
			if e.Kind() == reflect.Interface {
				e.Set(reflect.ValueOf(f.text(k)))
			} else {
				f.fill(e, k, depth+1)
			}
			m.SetMapIndex(reflect.ValueOf(k), e)
		}
		v.Set(m)
	case reflect.Interface:
		v.Set(reflect.ValueOf(f.text(name)))
	case reflect.String:
		if val, ok := benchEnumValues[v.Type().Name()]; ok {
			v.SetString(val)
			return
		}
		v.SetString(f.text(name))
	case reflect.Bool:
		v.SetBool(f.r.intn(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(1 + f.r.intn(5000)))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(1 + f.r.intn(5000)))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(f.r.intn(500)) + 0.99) // prices: 0.99 .. 499.99
	}
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
