package conversation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// laterProperty is a property of a later UltraCart release: the model does
// not know it, and a Modify helper must send it back as it came.
const laterProperty = "added_by_a_later_release"

// modifyCase is one Modify helper, from the generated table, with the spec
// cases of the get and the update it joins.
type modifyCase struct {
	name        string
	get, update opCase
	fn          reflect.Method
}

func modifyCases(t *testing.T) []modifyCase {
	t.Helper()
	byID := map[string]opCase{}
	for _, op := range primaryOps() {
		byID[op.opID] = op
	}
	var out []modifyCase
	for _, name := range slices.Sorted(maps.Keys(modifyHelpers)) {
		ids := modifyHelpers[name]
		m, ok := clientType.MethodByName(name)
		if !ok {
			t.Fatalf("Client has no method %s", name)
		}
		get, update := byID[ids[0]], byID[ids[1]]
		if get.method != http.MethodGet || get.path != update.path {
			t.Fatalf("%s: %s %s and %s %s are not a get and an update of one path", name, get.method, get.path, update.method, update.path)
		}
		out = append(out, modifyCase{name, get, update, m})
	}
	if len(out) != 17 {
		t.Errorf("%d Modify helpers, want 17", len(out))
	}
	return out
}

// call calls the helper with the get's path arguments and change.
func (mc modifyCase) call(ctx context.Context, t *testing.T, c *Client, change reflect.Value, opts ...CallOption) (any, error) {
	in := []reflect.Value{reflect.ValueOf(c), reflect.ValueOf(ctx)}
	for _, a := range mc.get.args {
		in = append(in, a.make(t))
	}
	in = append(in, change, reflect.ValueOf(opts))
	return results(mc.fn.Func.CallSlice(in))
}

// changeOneField is a change function for *T (the helper's model) that
// changes its first field of a basic type, and reports the field's JSON
// name and new value.
func changeOneField(t *testing.T, fnType reflect.Type) (reflect.Value, *string, *any) {
	var prop string
	var value any
	fn := reflect.MakeFunc(fnType, func(args []reflect.Value) []reflect.Value {
		obj := args[0].Elem()
		for i := range obj.NumField() {
			f, sf := obj.Field(i), obj.Type().Field(i)
			if f.Kind() != reflect.Pointer || f.IsNil() {
				continue
			}
			v := f.Elem()
			switch v.Kind() {
			case reflect.String:
				v.SetString(v.String() + " (changed)")
			case reflect.Bool:
				v.SetBool(!v.Bool())
			case reflect.Int32, reflect.Int64:
				v.SetInt(v.Int() + 1)
			case reflect.Float64:
				v.SetFloat(v.Float() + 1)
			default:
				continue
			}
			prop, _, _ = strings.Cut(sf.Tag.Get("json"), ",")
			value = v.Interface()
			break
		}
		if prop == "" {
			t.Errorf("%v has no field of a basic type to change", obj.Type())
		}
		return []reflect.Value{reflect.Zero(reflect.TypeFor[error]())}
	})
	return fn, &prop, &value
}

// withLater is a response sample whose payload (under key) has a property
// the model does not know.
func withLater(t *testing.T, schema, key string) []byte {
	t.Helper()
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(sampleJSON(t, schema), &resp); err != nil {
		t.Fatal(err)
	}
	var payload map[string]json.RawMessage
	if err := json.Unmarshal(resp[key], &payload); err != nil {
		t.Fatalf("%s.%s: %v", schema, key, err)
	}
	payload[laterProperty] = json.RawMessage(`{"kept": [1.50, "as sent"]}`)
	resp[key] = marshal(t, payload)
	return marshal(t, resp)
}

// TestModifyHelpers drives every Modify helper against a loopback server:
// a GET of the object, then the update with the object as read, the one
// field the change function set changed, and nothing else: the property
// the model does not know kept, every other value as sent. The helper
// returns the update's answer.
func TestModifyHelpers(t *testing.T) {
	for _, mc := range modifyCases(t) {
		t.Run(mc.name, func(t *testing.T) {
			key := jsonKey(t, mc.get)
			read := withLater(t, mc.get.respSchema, key)
			srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					writeJSON(w, 200, string(read))
					return
				}
				writeJSON(w, 200, string(sampleJSON(t, mc.update.respSchema)))
			})
			c := newClient(t, srv)
			change, prop, value := changeOneField(t, mc.fn.Type.In(mc.fn.Type.NumIn()-2))
			got, err := mc.call(ctxT(t), t, c, change)
			if err != nil {
				t.Fatal(err)
			}
			reqs := rc.all()
			if len(reqs) != 2 {
				t.Fatalf("%d requests, want the get and the update", len(reqs))
			}
			checkRequest(t, opCase{method: mc.get.method, path: mc.get.path, query: mc.get.query}, reqs[0])
			if reqs[1].Method != mc.update.method || reqs[1].Path != basePath+mc.update.path {
				t.Errorf("write %s %s, want %s %s", reqs[1].Method, reqs[1].Path, mc.update.method, basePath+mc.update.path)
			}
			if ct := reqs[1].Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("write Content-Type %q", ct)
			}
			// What the update must carry: the payload as read, one field changed.
			var resp map[string]json.RawMessage
			if err := json.Unmarshal(read, &resp); err != nil {
				t.Fatal(err)
			}
			want := generic(t, resp[key]).(map[string]any)
			want[*prop] = generic(t, marshal(t, *value))
			jsonEqual(t, "update body", reqs[1].Body, marshal(t, want))
			checkResult(t, mc.update, got)
		})
	}
}

// jsonKey is the JSON name of an operation's payload property.
func jsonKey(t *testing.T, op opCase) string {
	t.Helper()
	s := spec(t).Components.Schemas[op.respSchema].Value
	for name := range s.Properties {
		switch name {
		case "success", "error", "metadata", "warning":
		default:
			return name
		}
	}
	t.Fatalf("%s has no payload", op.respSchema)
	return ""
}

// queueModify drives ModifyPbxQueue against a server that answers the read
// with read (a queue response body) and the write with the queue written.
func queueModify(t *testing.T, read string, change func(*ConversationPbxQueue) error, opts ...CallOption) (*ConversationPbxQueue, []recReq, error) {
	t.Helper()
	var rc *recorder
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodGet {
			writeJSON(w, 200, read)
			return
		}
		body := rc.last(t).Body
		writeJSON(w, 200, `{"success":true,"queue":`+string(body)+`}`)
	})
	q, err := newClient(t, srv).ModifyPbxQueue(ctxT(t), "q-1", change, opts...)
	return q, rc.all(), err
}

const queueRead = `{"success":true,"queue":{"conversation_pbx_queue_uuid":"q-1","name":"Support","max_hold_seconds":60,"members":{"users":[1001,1002]}}}`

// TestModifyOutcomes: what a change function's outcome does.
func TestModifyOutcomes(t *testing.T) {
	t.Run("error aborts without writing", func(t *testing.T) {
		mine := errors.New("not today")
		q, reqs, err := queueModify(t, queueRead, func(*ConversationPbxQueue) error { return mine })
		if err != mine || q != nil || len(reqs) != 1 {
			t.Errorf("got %v, %v after %d requests; want the change's own error after the read alone", q, err, len(reqs))
		}
	})
	t.Run("no change writes nothing", func(t *testing.T) {
		var info ResponseInfo
		q, reqs, err := queueModify(t, queueRead, func(q *ConversationPbxQueue) error {
			q.Name = Ptr("Support") // the same value
			return nil
		}, WithResponseInfo(&info))
		if err != nil || len(reqs) != 1 || q.GetName() != "Support" || q.GetMaxHoldSeconds() != 60 {
			t.Errorf("got %+v, %v after %d requests; want the queue as read, no write", q, err, len(reqs))
		}
		if info.StatusCode != 200 || info.Attempts != 1 {
			t.Errorf("ResponseInfo %+v, want the read's", info)
		}
	})
	t.Run("nil clears", func(t *testing.T) {
		_, reqs, err := queueModify(t, queueRead, func(q *ConversationPbxQueue) error {
			q.MaxHoldSeconds, q.Members.Users = nil, append(q.Members.Users, 1003)
			return nil
		})
		if err != nil || len(reqs) != 2 {
			t.Fatalf("%v after %d requests", err, len(reqs))
		}
		jsonEqual(t, "update body", reqs[1].Body, []byte(`{"conversation_pbx_queue_uuid":"q-1","name":"Support","members":{"users":[1001,1002,1003]}}`))
	})
	t.Run("the object the change gets is the helper's", func(t *testing.T) {
		var kept *ConversationPbxQueue
		q, reqs, err := queueModify(t, queueRead, func(q *ConversationPbxQueue) error {
			kept = q
			q.MaxHoldSeconds = Ptr(int32(120))
			return nil
		})
		if err != nil || len(reqs) != 2 {
			t.Fatalf("%v after %d requests", err, len(reqs))
		}
		if q == kept {
			t.Error("returned the change's object, not the service's answer")
		}
		*kept.Name = "changed after the call" // the caller's to keep: nothing else holds it
		if q.GetName() != "Support" {
			t.Errorf("the answer shares the change's object: name %q", q.GetName())
		}
	})
	t.Run("nil change", func(t *testing.T) {
		srv, _ := newServer(t, failOnRequest(t))
		_, err := newClient(t, srv).ModifyPbxQueue(ctxT(t), "q-1", nil)
		var ae *ArgumentError
		if !errors.As(err, &ae) || ae.Argument != "change" || ae.Operation != "updatePbxQueue" {
			t.Errorf("err = %v, want an *ArgumentError naming change", err)
		}
	})
	t.Run("bad path value", func(t *testing.T) {
		srv, _ := newServer(t, failOnRequest(t))
		_, err := newClient(t, srv).ModifyPbxQueue(ctxT(t), "..", func(*ConversationPbxQueue) error { return nil })
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("err = %v, want ErrInvalidArgument", err)
		}
	})
	t.Run("a read without the object", func(t *testing.T) {
		for _, read := range []string{`{"success":true}`, `{"success":true,"queue":null}`} {
			called := false
			_, reqs, err := queueModify(t, read, func(*ConversationPbxQueue) error { called = true; return nil })
			var de *DecodeError
			if !errors.As(err, &de) || de.Operation != "getPbxQueue" || de.StatusCode != 200 || !strings.Contains(err.Error(), "no queue") ||
				!bytes.Contains(de.Snippet, []byte(`"success":true`)) || called || len(reqs) != 1 {
				t.Errorf("%s: %v (change called: %v, %d requests), want a *DecodeError of the read, nothing written", read, err, called, len(reqs))
			}
		}
	})
}

// TestModifyWire: how the two calls behave on the wire: a missing object
// fails the read (ErrNotFound) and nothing is written; the write is
// retried as the update is; a context that ends during change ends the
// call before the write.
func TestModifyWire(t *testing.T) {
	change := func(q *ConversationPbxQueue) error { q.MaxHoldSeconds = Ptr(int32(90)); return nil }
	t.Run("missing object", func(t *testing.T) {
		srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			writeJSON(w, 400, `{"success":false,"error":{"developer_message":"queue \"q-1\" does not exist","object_id":"q-1"}}`)
		})
		_, err := newClient(t, srv).ModifyPbxQueue(ctxT(t), "q-1", change)
		if !errors.Is(err, ErrNotFound) || rc.count() != 1 {
			t.Errorf("err = %v after %d requests, want ErrNotFound from the read alone", err, rc.count())
		}
	})
	t.Run("write retried", func(t *testing.T) {
		srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			switch {
			case r.Method == http.MethodGet:
				writeJSON(w, 200, queueRead)
			case n == 2:
				writeJSON(w, 503, `{"success":false}`)
			default:
				writeJSON(w, 200, `{"success":true,"queue":{"name":"Support","max_hold_seconds":90}}`)
			}
		})
		q, err := newClient(t, srv).ModifyPbxQueue(ctxT(t), "q-1", change)
		reqs := rc.all()
		if err != nil || q.GetMaxHoldSeconds() != 90 || len(reqs) != 3 || !bytes.Equal(reqs[1].Body, reqs[2].Body) {
			t.Errorf("got %+v, %v after %d requests; want the write sent twice, the same body", q, err, len(reqs))
		}
	})
	t.Run("context ends in change", func(t *testing.T) {
		srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, 200, queueRead) })
		ctx, cancel := context.WithCancel(ctxT(t))
		_, err := newClient(t, srv).ModifyPbxQueue(ctx, "q-1", func(q *ConversationPbxQueue) error {
			cancel()
			return change(q)
		})
		if !errors.Is(err, context.Canceled) || rc.count() != 1 {
			t.Errorf("err = %v after %d requests, want context.Canceled and no write", err, rc.count())
		}
	})
}

// TestPreserve: the body a Modify helper sends keeps what the service sent
// wherever the change left it.
func TestPreserve(t *testing.T) {
	for _, c := range []struct {
		name                     string
		raw, before, after, want string
	}{
		{"untouched values keep their spelling",
			`{"a":1.50,"t":"2022-12-13T09:58:41-0500","s":"x"}`, `{"a":1.5,"t":"2022-12-13T09:58:41-05:00","s":"x"}`, `{"a":1.5,"t":"2022-12-13T09:58:41-05:00","s":"y"}`,
			`{"a":1.50,"t":"2022-12-13T09:58:41-0500","s":"y"}`},
		{"unknown properties kept, at every depth",
			`{"s":"x","later":{"k":1},"o":{"n":1,"later":true}}`, `{"s":"x","o":{"n":1}}`, `{"s":"x","o":{"n":2}}`,
			`{"s":"x","later":{"k":1},"o":{"n":2,"later":true}}`},
		{"a cleared property stays out",
			`{"s":"x","n":3}`, `{"s":"x","n":3}`, `{"s":"x"}`, `{"s":"x"}`},
		{"a null the model read as absent is left out",
			`{"s":"x","n":null}`, `{"s":"x"}`, `{"s":"y"}`, `{"s":"y"}`},
		{"a property set that was absent",
			`{"s":"x"}`, `{"s":"x"}`, `{"s":"x","n":4}`, `{"s":"x","n":4}`},
		{"lists of one length merged item by item",
			`[{"a":1.0,"later":1},{"a":2}]`, `[{"a":1},{"a":2}]`, `[{"a":1},{"a":3}]`, `[{"a":1.0,"later":1},{"a":3}]`},
		{"a list resized is sent as changed",
			`{"l":[{"a":1,"later":1}]}`, `{"l":[{"a":1}]}`, `{"l":[{"a":1},{"a":2}]}`, `{"l":[{"a":1},{"a":2}]}`},
		{"a value of another shape",
			`{"o":{"a":1}}`, `{"o":{"a":1}}`, `{"o":"now text"}`, `{"o":"now text"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := preserve([]byte(c.raw), []byte(c.before), []byte(c.after))
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, "body", got, []byte(c.want))
		})
	}
	if _, err := preserve([]byte(`{`), []byte(`{}`), []byte(`{}`)); err == nil {
		t.Error("preserve of malformed JSON succeeded")
	}
}
