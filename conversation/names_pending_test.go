package conversation

import (
	"reflect"
	"testing"
)

// TestOldNamesForward: every name from before methods were named by their
// operationId (x-go-deprecated-method in the spec) is still a method of
// Client, with the signature of the operation's method, and calling it makes
// the operation's request and returns its result. It goes with
// names_pending.go.
func TestOldNamesForward(t *testing.T) {
	old := map[string]string{} // operationId -> the old name
	for _, item := range spec(t).Paths.Map() {
		for _, op := range item.Operations() {
			if v, ok := op.Extensions["x-go-deprecated-method"].(string); ok {
				old[op.OperationID] = v
			}
		}
	}
	n := 0
	for _, op := range primaryOps() {
		name, ok := old[op.opID]
		if !ok {
			continue
		}
		n++
		m, ok := clientType.MethodByName(name)
		if !ok {
			t.Errorf("%s: Client has no method %s", op.opID, name)
			continue
		}
		if m.Func.Type() != op.fn.Type() {
			t.Errorf("%s: %s is %v, %s %v", op.opID, name, m.Func.Type(), operationMethods[op.opID], op.fn.Type())
			continue
		}
		op.fn = m.Func
		t.Run(name, func(t *testing.T) {
			srv, rc := newServer(t, succeed(t, op))
			got, err := op.callWith(ctxT(t), t, newClient(t, srv), -1, reflect.Value{})
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			checkRequest(t, op, rc.last(t))
			checkResult(t, op, got)
		})
	}
	if n != len(old) || n != 35 {
		t.Errorf("%d old names called, the spec has %d, want 35", n, len(old))
	}
}
