package conversation

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestDeprecatedForwards: every former name the spec keeps for one release
// (deprecatedNames, generated from x-go-deprecated-method and
// x-go-deprecated-iter) still works as its new name does. A former method
// has the new one's signature and makes the operation's call with its
// result; a former options type is the new type; a former iterator has the
// new one's arguments without the call options, and walks the same pages to
// the same items.
func TestDeprecatedForwards(t *testing.T) {
	byName := map[string]opCase{} // the spec's case of each method and iterator
	for _, op := range primaryOps() {
		byName[operationMethods[op.opID]] = op
		if it, ok := operationIters[op.opID]; ok {
			byName[it] = op
		}
	}
	// The options types cannot be found by name at run time: the former
	// ones are listed here, and the test fails on one it does not list.
	optionTypes := map[string][2]reflect.Type{
		"ListConversationsOptions": {reflect.TypeFor[ListConversationsOptions](), reflect.TypeFor[GetConversationsOptions]()},
		"MessagesOptions":          {reflect.TypeFor[MessagesOptions](), reflect.TypeFor[GetConversationMessagesOptions]()},
	}
	kinds := map[string]int{}
	for former, name := range deprecatedNames {
		t.Run(former, func(t *testing.T) {
			switch op, ok := byName[name]; {
			case strings.HasSuffix(name, "Options"):
				kinds["options"]++
				types, ok := optionTypes[former]
				if !ok {
					t.Fatalf("no test of %s: add it to optionTypes", former)
				}
				if types[0] != types[1] || types[1].Name() != name {
					t.Errorf("%s is %v, want %s", former, types[0], name)
				}
			case !ok:
				t.Fatalf("%s: no operation has the method or iterator %s", former, name)
			case name == operationIters[op.opID]:
				kinds["iterator"]++
				checkFormerIter(t, op, former, name)
			default:
				kinds["method"]++
				oldM, ok := clientType.MethodByName(former)
				if !ok {
					t.Fatalf("Client has no method %s", former)
				}
				if newM, _ := clientType.MethodByName(name); oldM.Type != newM.Type {
					t.Fatalf("%s is %v, %s %v", former, oldM.Type, name, newM.Type)
				}
				op.fn = oldM.Func // the spec's call of name, made by former
				srv, rc := newServer(t, succeed(t, op))
				got, err := op.call(ctxT(t), t, newClient(t, srv))
				if err != nil {
					t.Fatalf("call: %v", err)
				}
				if rc.count() != 1 {
					t.Fatalf("server saw %d requests, want 1", rc.count())
				}
				checkRequest(t, op, rc.last(t))
				checkResult(t, op, got)
			}
		})
	}
	// The spec keeps former names of every kind this release.
	if kinds["method"] == 0 || kinds["options"] == 0 || kinds["iterator"] == 0 {
		t.Errorf("former names by kind: %v, want some of each", kinds)
	}
}

// checkFormerIter walks the iterator former and its new name newName with
// the spec's arguments of op, against a server that answers every page with
// the operation's sample, and compares the requests and the items.
func checkFormerIter(t *testing.T, op opCase, former, newName string) {
	t.Helper()
	oldM, ok := clientType.MethodByName(former)
	if !ok {
		t.Fatalf("Client has no method %s", former)
	}
	newM, _ := clientType.MethodByName(newName)
	if n := newM.Type.NumIn(); oldM.Type.NumIn() != n-1 || newM.Type.In(n-1) != reflect.TypeFor[[]CallOption]() {
		t.Fatalf("%s is %v, %s %v: want the same arguments without the call options", former, oldM.Type, newName, newM.Type)
	}
	for i := range oldM.Type.NumIn() {
		if oldM.Type.In(i) != newM.Type.In(i) {
			t.Fatalf("argument %d: %s takes %v, %s %v", i, former, oldM.Type.In(i), newName, newM.Type.In(i))
		}
	}
	if oldM.Type.NumOut() != 1 || oldM.Type.Out(0) != newM.Type.Out(0) {
		t.Fatalf("%s yields %v, %s %v", former, oldM.Type.Out(0), newName, newM.Type.Out(0))
	}
	walk := func(m reflect.Method, callOpts bool) (reqs []recReq, items [][]byte) {
		srv, rc := newServer(t, succeed(t, op))
		ctx := context.Background()
		in := []reflect.Value{reflect.ValueOf(newClient(t, srv)), reflect.ValueOf(&ctx).Elem()}
		for _, a := range op.args {
			in = append(in, a.make(t))
		}
		var seq reflect.Value
		if callOpts {
			seq = m.Func.CallSlice(append(in, reflect.ValueOf([]CallOption(nil))))[0]
		} else {
			seq = m.Func.Call(in)[0]
		}
		yield := reflect.MakeFunc(seq.Type().In(0), func(args []reflect.Value) []reflect.Value {
			if err, _ := args[1].Interface().(error); err != nil {
				// The sample answers every page alike: the walk ends
				// stalled after the second, both walks the same way.
				if errors.Is(err, ErrPagingStalled) {
					items = append(items, []byte("stalled"))
					return []reflect.Value{reflect.ValueOf(true)}
				}
				t.Errorf("%s: %v", m.Name, err)
				return []reflect.Value{reflect.ValueOf(false)}
			}
			items = append(items, marshal(t, args[0].Interface()))
			return []reflect.Value{reflect.ValueOf(true)}
		})
		seq.Call([]reflect.Value{yield})
		return rc.all(), items
	}
	oldReqs, oldItems := walk(oldM, false)
	newReqs, newItems := walk(newM, true)
	if len(newItems) == 0 || len(newReqs) == 0 {
		t.Fatalf("%s yielded %d items in %d requests", newName, len(newItems), len(newReqs))
	}
	if len(oldReqs) != len(newReqs) {
		t.Fatalf("%s made %d requests, %s %d", former, len(oldReqs), newName, len(newReqs))
	}
	for i := range newReqs {
		o, n := oldReqs[i], newReqs[i]
		if o.Method != n.Method || o.Path != n.Path || o.RawQuery != n.RawQuery || string(o.Body) != string(n.Body) {
			t.Errorf("request %d: %s sent %s %s?%s %s, %s %s %s?%s %s", i, former, o.Method, o.Path, o.RawQuery, o.Body, newName, n.Method, n.Path, n.RawQuery, n.Body)
		}
	}
	if !reflect.DeepEqual(oldItems, newItems) {
		t.Errorf("%s yielded %d items, %s %d, or others", former, len(oldItems), newName, len(newItems))
	}
}

// TestDeprecatedHelpers: the helpers' former names (hand-written, as the
// helpers are) have the new ones' signatures and behave the same.
func TestDeprecatedHelpers(t *testing.T) {
	for former, name := range map[string]string{"FollowMessages": "FollowConversationMessages", "RunKeepAlive": "RunAgentKeepAlive"} {
		oldM, ok := clientType.MethodByName(former)
		newM, ok2 := clientType.MethodByName(name)
		if !ok || !ok2 || oldM.Type != newM.Type {
			t.Errorf("%s (%v) and %s (%v) differ", former, oldM.Type, name, newM.Type)
		}
	}
	if reflect.TypeFor[FollowOptions]() != reflect.TypeFor[FollowConversationMessagesOptions]() {
		t.Error("FollowOptions is not FollowConversationMessagesOptions")
	}
	// The same refusal before anything is sent.
	srv, _ := newServer(t, failOnRequest(t))
	c := newClient(t, srv)
	ctx := ctxT(t)
	errOld := c.RunKeepAlive(ctx, -time.Second, nil)
	errNew := c.RunAgentKeepAlive(ctx, -time.Second, nil)
	if errOld == nil || fmt.Sprint(errOld) != fmt.Sprint(errNew) {
		t.Errorf("RunKeepAlive: %v; RunAgentKeepAlive: %v", errOld, errNew)
	}
	for _, err := range c.FollowMessages(ctx, "", nil) {
		var errNew error
		for _, e := range c.FollowConversationMessages(ctx, "", nil) {
			errNew = e
			break
		}
		if err == nil || fmt.Sprint(err) != fmt.Sprint(errNew) {
			t.Errorf("FollowMessages: %v; FollowConversationMessages: %v", err, errNew)
		}
		break
	}
}
