package conversationtest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// obj is a stored object: the JSON form of a model, numbers kept exact as
// json.Number, so one implementation serves every kind.
type obj = map[string]any

// kind is a row of the table in kinds.go: a resource kept in memory and
// served through its list, get, insert, update and delete operations.
type kind struct {
	key   string // its key in a seed file (WithSeedJSON): "pbx_queues"
	name  string // in messages: "PBX queue"
	model any    // the generated model, for Add and List
	id    string // the identifier property; "" for a singleton
	intID bool   // an int32 oid assigned in sequence, else a UUID
	// scope is the path parameter naming the parent (user_id, queue_uuid),
	// parent the parent's kind; mine takes the calling agent's user_id
	// instead of a path value.
	scope, parent string
	mine          bool
	sortBy        string // the list order, then the identifier
	desc          bool
	required      []string // properties an insert or update must not leave empty
	keep          []string // properties an update keeps when it omits them
	// fill sets defaults, on insert, update and seeding (rq is nil then);
	// check applies the rules of rules.go to the complete object and lists
	// what it refers to, which must exist (refs.go); guard may refuse a
	// delete.
	fill  func(s *Server, rq *request, o obj) error
	check func(c *checker, o obj)
	guard func(o obj) error
	// The operationIds served; "" for none.
	list, get, insert, update, del string
	initial                        obj // a singleton's value on a new server

	schema     *openapi3.SchemaRef // bound from the spec by bindKinds
	parentKind *kind
	typ        reflect.Type
}

func (k *kind) singleton() bool { return k.id == "" }

// bindKinds ties the table to the spec: every kind's schema is the
// component named like its model, and every operation it names exists.
func bindKinds(sp *spec) error {
	byKey := make(map[string]*kind)
	for _, k := range kinds {
		k.typ = reflect.TypeOf(k.model)
		k.schema = sp.doc.Components.Schemas[k.typ.Name()]
		if k.schema == nil {
			return fmt.Errorf("kind %s: no schema %s", k.key, k.typ.Name())
		}
		for _, op := range []string{k.list, k.get, k.insert, k.update, k.del} {
			if _, ok := sp.ops[op]; op != "" && !ok {
				return fmt.Errorf("kind %s: no operation %s", k.key, op)
			}
		}
		if k.parent != "" {
			if k.parentKind = byKey[k.parent]; k.parentKind == nil {
				return fmt.Errorf("kind %s: parent %s is not listed before it", k.key, k.parent)
			}
		}
		byKey[k.key] = k
	}
	return nil
}

// handlers are the operations the kind serves.
func (k *kind) handlers() map[string]handler {
	h := make(map[string]handler)
	for op, fn := range map[string]handler{k.list: k.listOp, k.get: k.getOp, k.insert: k.insertOp, k.update: k.updateOp, k.del: k.deleteOp} {
		if op != "" {
			h[op] = fn
		}
	}
	return h
}

func (k *kind) listOp(s *Server, rq *request) (any, error) {
	scope, err := s.scopeOf(k, rq)
	if err != nil {
		return nil, err
	}
	return s.sortedLocked(k, scope), nil
}

func (k *kind) getOp(s *Server, rq *request) (any, error) {
	scope, id, err := s.targetOf(k, rq)
	if err != nil {
		return nil, err
	}
	return s.findLocked(k, scope, id)
}

// insertOp stores the body under a new identifier: one sent is ignored.
func (k *kind) insertOp(s *Server, rq *request) (any, error) {
	scope, err := s.scopeOf(k, rq)
	if err != nil {
		return nil, err
	}
	o, err := rq.object()
	if err != nil {
		return nil, err
	}
	delete(o, k.id)
	return s.putLocked(k, scope, o, rq)
}

// updateOp replaces the stored object with the body, keeping its
// identifier and the kind's keep properties the body leaves out.
func (k *kind) updateOp(s *Server, rq *request) (any, error) {
	scope, id, err := s.targetOf(k, rq)
	if err != nil {
		return nil, err
	}
	old, err := s.findLocked(k, scope, id)
	if err != nil {
		return nil, err
	}
	o, err := rq.object()
	if err != nil {
		return nil, err
	}
	if !k.singleton() {
		if v, ok := o[k.id]; ok && v != nil && idKey(v) != id && idKey(v) != "0" && idKey(v) != "" {
			return nil, badRequest("%s %s in the body does not match %s in the path", k.id, idKey(v), id)
		}
		o[k.id] = old[k.id]
	}
	for _, f := range k.keep {
		if _, ok := o[f]; !ok && old[f] != nil {
			o[f] = old[f]
		}
	}
	return s.putLocked(k, scope, o, rq)
}

func (k *kind) deleteOp(s *Server, rq *request) (any, error) {
	scope, id, err := s.targetOf(k, rq)
	if err != nil {
		return nil, err
	}
	o, err := s.findLocked(k, scope, id)
	if err != nil {
		return nil, err
	}
	if k.guard != nil {
		if err := k.guard(o); err != nil {
			return nil, err
		}
	}
	delete(s.st.store[k][scope], id)
	return o, nil
}

// scopeOf is the parent a request names (or the calling agent), which
// must exist.
func (s *Server) scopeOf(k *kind, rq *request) (string, error) {
	if k.scope == "" {
		return "", nil
	}
	scope := rq.path[k.scope]
	if k.mine {
		scope = strconv.Itoa(s.cfg.agentUserID)
	}
	if k.parentKind.intID {
		scope = canonicalInt(scope)
	}
	if _, err := s.findLocked(k.parentKind, "", scope); err != nil {
		return "", err
	}
	return scope, nil
}

// targetOf is the parent and the identifier a request names: the path
// value that is not the scope.
func (s *Server) targetOf(k *kind, rq *request) (scope, id string, err error) {
	if scope, err = s.scopeOf(k, rq); err != nil || k.singleton() {
		return scope, "", err
	}
	for name, v := range rq.path {
		if name != k.scope {
			id = v
		}
	}
	if k.intID {
		id = canonicalInt(id)
	}
	return scope, id, nil
}

func (s *Server) findLocked(k *kind, scope, id string) (obj, error) {
	if o, ok := s.st.store[k][scope][id]; ok {
		return o, nil
	}
	return nil, notFound(k.name, id)
}

// putLocked completes and stores o: required properties, identifier,
// merchant_id, the scope property where the model has one, the kind's
// own defaults. Anything the schema does not know was refused (the
// request, by serveAPI; a seeded object, here), or is kept (KeepUnknown).
func (s *Server) putLocked(k *kind, scope string, o obj, rq *request) (obj, error) {
	for _, f := range k.required {
		if v, ok := o[f].(string); o[f] == nil || ok && strings.TrimSpace(v) == "" {
			return nil, badRequest("%s is required: a %s needs one, on insert and on every update (an update replaces the whole object)", f, k.name)
		}
	}
	if k.fill != nil {
		if err := k.fill(s, rq, o); err != nil {
			return nil, err
		}
	}
	props := k.schema.Value.Properties
	if _, ok := props["merchant_id"]; ok && (o["merchant_id"] == nil || o["merchant_id"] == "") {
		o["merchant_id"] = s.cfg.merchantID
	}
	if _, ok := props[k.scope]; ok && k.scope != "" {
		o[k.scope] = json.Number(scope)
	}
	if !k.singleton() && (o[k.id] == nil || idKey(o[k.id]) == "" || idKey(o[k.id]) == "0") {
		if k.intID {
			o[k.id] = json.Number(strconv.Itoa(int(s.nextOidLocked(k, 0))))
		} else {
			o[k.id] = newUUID()
		}
	} else if k.intID {
		n, err := strconv.ParseInt(idKey(o[k.id]), 10, 32)
		if err != nil || n < 1 {
			return nil, badRequest("%s must be a positive int32: %v", k.id, o[k.id])
		}
		s.nextOidLocked(k, int32(n))
	}
	if err := s.unknownLocked(k, o, rq); err != nil {
		return nil, err
	}
	o = shape(k.schema, o, true).(obj)
	if rq == nil { // seeded: the request validation did not see it
		if err := checkValue(k.schema.Value, o); err != nil {
			return nil, err
		}
	}
	if err := s.checkLocked(k, o); err != nil {
		return nil, err
	}
	id := ""
	if !k.singleton() {
		id = idKey(o[k.id])
	}
	b := s.st.store[k]
	if b == nil {
		b = make(map[string]map[string]obj)
		s.st.store[k] = b
	}
	if b[scope] == nil {
		b[scope] = make(map[string]obj)
	}
	b[scope][id] = o
	return o, nil
}

// nextOidLocked hands out the next oid of the kind, or records one taken
// (used > 0) so that the sequence stays above it.
func (s *Server) nextOidLocked(k *kind, used int32) int32 {
	next := max(s.st.oids[k], 1)
	if used > 0 {
		s.st.oids[k] = max(next, used+1)
		return used
	}
	s.st.oids[k] = next + 1
	return next
}

// sortedLocked lists a kind's objects under scope in its list order.
func (s *Server) sortedLocked(k *kind, scope string) []any {
	b := s.st.store[k][scope]
	out := make([]any, 0, len(b))
	for _, o := range b {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].(obj), out[j].(obj)
		if c := compare(a[k.sortBy], b[k.sortBy]); c != 0 {
			return (c < 0) != k.desc
		}
		return compare(a[k.id], b[k.id]) < 0
	})
	return out
}

// compare orders numbers by value, date-times by instant and other
// strings case-insensitively; missing values come first.
func compare(a, b any) int {
	switch x := a.(type) {
	case json.Number:
		if y, ok := b.(json.Number); ok {
			fx, _ := x.Float64()
			fy, _ := y.Float64()
			return cmp.Compare(fx, fy)
		}
	case string:
		if y, ok := b.(string); ok {
			tx, ex := time.Parse(time.RFC3339Nano, x)
			ty, ey := time.Parse(time.RFC3339Nano, y)
			if ex == nil && ey == nil {
				return tx.Compare(ty)
			}
			if c := strings.Compare(strings.ToLower(x), strings.ToLower(y)); c != 0 {
				return c
			}
			return strings.Compare(x, y)
		}
	}
	return cmp.Compare(rank(a), rank(b))
}

func rank(v any) int {
	if v == nil {
		return 0
	}
	return 1
}

// view copies v as the schema describes it: properties the schema does not
// name, and nulls, are left out, but for those an object kept with
// KeepUnknown marks as its own. A summary schema thus views a full object,
// and a free-form object is kept whole.
func view(sc *openapi3.SchemaRef, v any) any { return shape(sc, v, false) }

// shape is view; stored says the copy is to be stored, keeping the marks
// of KeepUnknown (unknownMark) that view leaves out.
func shape(sc *openapi3.SchemaRef, v any, stored bool) any {
	if sc == nil || sc.Value == nil {
		return v
	}
	switch t := v.(type) {
	case obj:
		props := sc.Value.Properties
		kept := marks(t)
		out := make(obj, len(t))
		for name, x := range t {
			if x == nil || name == unknownMark {
				continue
			}
			if p, ok := props[name]; ok || len(props) == 0 {
				out[name] = shape(p, x, stored)
			} else if slices.Contains(kept, name) {
				out[name] = x
			}
		}
		if stored && len(kept) > 0 {
			out[unknownMark] = kept
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = shape(sc.Value.Items, x, stored)
		}
		return out
	}
	return v
}

// marks are the properties of o kept with KeepUnknown.
func marks(o obj) []string {
	switch m := o[unknownMark].(type) {
	case []string:
		return m
	case []any: // after a trip through JSON
		out := make([]string, 0, len(m))
		for _, x := range m {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// unknownLocked applies WithUnknownProperties to an object about to be
// stored: with KeepUnknown it marks what the schema does not define, to
// be kept; otherwise a seeded object with such a property is refused (a
// request with one never gets here).
func (s *Server) unknownLocked(k *kind, o obj, rq *request) error {
	if s.cfg.unknown == KeepUnknown {
		if props := markUnknown(k.schema, o); len(props) > 0 && rq == nil {
			s.logf("%s", (&unknownRequest{schema: k.typ.Name(), props: props, seeded: true}).kept("seeding "+k.key, s.spec.release))
		}
		return nil
	}
	if props := unknownIn(k.schema, o); len(props) > 0 {
		return errUnknownSeed(k.typ.Name(), props, s.spec.release)
	}
	return nil
}

// idKey is an identifier as a map key: oids in decimal.
func idKey(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return canonicalInt(t.String())
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// canonicalInt writes an integer path value the one way ("007" is 7).
func canonicalInt(s string) string {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return strconv.FormatInt(n, 10)
	}
	return s
}

// toObj is a model's JSON form.
func toObj(v any) (obj, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var o obj
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&o); err != nil {
		return nil, err
	}
	return o, nil
}

// fromObj is the model a stored object describes.
func fromObj[T any](o obj) T {
	var v T
	if b, err := json.Marshal(o); err == nil {
		_ = json.Unmarshal(b, &v) // what the schema validated decodes
	}
	return v
}

// kindFor finds the kind of a model: unscoped or scoped, so that audio and
// user audio, agent and queue voicemails, share a model.
func kindFor(t reflect.Type, scoped bool) (*kind, error) {
	for _, k := range kinds {
		if k.typ == t && (k.scope != "") == scoped {
			return k, nil
		}
	}
	if scoped {
		return nil, fmt.Errorf("conversationtest: %v is not kept under a parent (use Add)", t)
	}
	return nil, fmt.Errorf("conversationtest: %v is not a kind the fake keeps on its own (see Add)", t)
}

// Add stores v as the fake would after an insert and returns it as stored.
// T is one of the models the fake keeps: canned messages, departments,
// engagements, agent profiles, every PBX kind (addresses, agents, audio,
// classes of service, hardware phones, menus, phone numbers, queues,
// time-based routes, time ranges, voicemail mailboxes), the calling
// agent's voicemails (gen.ConversationPbxVoicemailMessage), call records
// (gen.ConversationPbxCall), class of service audit logs, items (for
// getConversationItemVariations), customers (for the PBX customer
// snapshot), and the singletons permissions, virtual agent budget and
// capabilities, which Add replaces.
//
// An identifier v carries is kept (an object with the same one is
// replaced); a missing one is assigned, as are merchant_id and the kind's
// defaults. v must pass the schema as the strictest client reads it (enum
// values, maximum lengths, date-times): an error says which property
// does not.
func Add[T any](s *Server, v T) (T, error) { return add(s, false, "", v) }

// AddUnder is Add for the kinds kept under a parent: MCP servers, knowledge
// base documents and user PBX audio under an agent profile's user_id
// (decimal), voicemails under a PBX queue's uuid. The parent must exist.
func AddUnder[T any](s *Server, parent string, v T) (T, error) { return add(s, true, parent, v) }

func add[T any](s *Server, scoped bool, parent string, v T) (T, error) {
	var zero T
	k, err := kindFor(reflect.TypeFor[T](), scoped)
	if err != nil {
		return zero, err
	}
	o, err := toObj(v)
	if err != nil {
		return zero, fmt.Errorf("conversationtest: Add %s: %w", k.name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, err := s.seedLocked(k, parent, o)
	if err != nil {
		return zero, fmt.Errorf("conversationtest: Add %s: %w", k.name, err)
	}
	return fromObj[T](stored), nil
}

func (s *Server) seedLocked(k *kind, parent string, o obj) (obj, error) {
	if k.parentKind != nil {
		if k.parentKind.intID {
			parent = canonicalInt(parent)
		}
		if _, err := s.findLocked(k.parentKind, "", parent); err != nil {
			return nil, err
		}
	}
	return s.putLocked(k, parent, o, nil)
}

// List returns what the fake holds of a kind (see Add), in the order its
// list operation returns it.
func List[T any](s *Server) []T { return list[T](s, false, "") }

// ListUnder is List for a kind kept under a parent (see AddUnder).
func ListUnder[T any](s *Server, parent string) []T { return list[T](s, true, parent) }

func list[T any](s *Server, scoped bool, parent string) []T {
	k, err := kindFor(reflect.TypeFor[T](), scoped)
	if err != nil {
		if s.tb != nil {
			s.tb.Helper()
			s.tb.Error(err)
		}
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if k.parentKind != nil && k.parentKind.intID {
		parent = canonicalInt(parent)
	}
	var out []T
	for _, o := range s.sortedLocked(k, parent) {
		out = append(out, fromObj[T](o.(obj)))
	}
	return out
}
