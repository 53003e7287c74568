package conversationtest

import (
	"fmt"
	"net/http"
	"strings"
)

// ref is a property that names another object: a PBX action's target, a
// time range, a mailbox, an audio, a queue member.
type ref struct {
	prop  string   // where, for the message: "mappings[0].action_target"
	id    string   // the identifier named
	kinds []string // the kinds (keys) that may hold it
	// byUserID: id is a PBX agent's user_id rather than its uuid.
	byUserID bool
}

// checkLocked applies the kind's rules to o, complete as it will be
// stored, and checks that what it refers to exists. While a seed document
// is loaded (seeding is not nil), references are checked once it is
// whole, so that its objects may name each other in any order.
func (s *Server) checkLocked(k *kind, o obj) error {
	if k.check == nil {
		return nil
	}
	c := &checker{}
	k.check(c, o)
	if c.err != nil {
		return c.err
	}
	if s.st.seeding != nil {
		*s.st.seeding = append(*s.st.seeding, seeded{k, o})
		return nil
	}
	return s.refsExistLocked(c.refs)
}

// refsExistLocked refuses the first reference to an object that does not
// exist: a 400 naming it in object_id, as every missing object is.
func (s *Server) refsExistLocked(refs []ref) error {
	for _, r := range refs {
		if s.existsLocked(r) {
			continue
		}
		names := make([]string, len(r.kinds))
		for i, key := range r.kinds {
			names[i] = kindByKey(key).name
		}
		what := strings.Join(names, " or ")
		if r.byUserID {
			what += " with user_id"
		}
		return &apiError{status: http.StatusBadRequest, objectID: r.id,
			msg: r.prop + ": no " + what + " " + quoted([]string{r.id}) + " exists: insert it first, or name one that exists"}
	}
	return nil
}

func (s *Server) existsLocked(r ref) bool {
	for _, key := range r.kinds {
		for _, objs := range s.st.store[kindByKey(key)] { // every scope: an agent's own audio too
			if !r.byUserID {
				if _, ok := objs[r.id]; ok {
					return true
				}
				continue
			}
			for _, o := range objs {
				if idKey(o["user_id"]) == r.id {
					return true
				}
			}
		}
	}
	return false
}

// seeded is an object a seed document stored, whose references are
// checked once the document is whole.
type seeded struct {
	k *kind
	o obj
}

// seedRefsLocked checks the references of what a seed document stored,
// now that all of it is there.
func (s *Server) seedRefsLocked(objs []seeded) error {
	for _, sd := range objs {
		c := &checker{}
		sd.k.check(c, sd.o)
		if err := s.refsExistLocked(c.refs); err != nil {
			return fmt.Errorf("%s %s: %w", sd.k.key, idKey(sd.o[sd.k.id]), err)
		}
	}
	return nil
}
