package conversation

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// followModel is an in-memory getConversationMessages: the oldest messages
// after since (or at and after it, when inclusive), at most limit of them.
// Messages sharing a millisecond come in a new random order on every poll,
// and so does the answer as a whole: neither is documented.
type followModel struct {
	msgs      []ConversationMessage // in arrival order; epochs never decrease, ties aside
	inclusive bool
	rng       *rand.Rand
}

func (s *followModel) get(since int64, limit int) []ConversationMessage {
	var after []ConversationMessage
	for _, m := range s.msgs {
		if e := *m.MessageEpoch; e > since || (s.inclusive && e == since) {
			after = append(after, m)
		}
	}
	s.rng.Shuffle(len(after), func(i, j int) { after[i], after[j] = after[j], after[i] })
	slices.SortStableFunc(after, func(a, b ConversationMessage) int { return cmp.Compare(*a.MessageEpoch, *b.MessageEpoch) })
	page := after[:min(limit, len(after))]
	s.rng.Shuffle(len(page), func(i, j int) { page[i], page[j] = page[j], page[i] })
	return page
}

func (s *followModel) countAt(epoch int64) int {
	n := 0
	for _, m := range s.msgs {
		if *m.MessageEpoch == epoch {
			n++
		}
	}
	return n
}

// FuzzFollowCursor drives FollowConversationMessages' bookkeeping against followModel
// with random epochs, ties, page sizes, limits, start points, arrival
// orders and both readings of since. Each script byte is a poll (high bit
// set; with bit 6 also set, a restart first: a new cursor resumed from the
// text of the last yielded message's Position, as a program restarted from
// what it persisted) or the arrival of 1 to 8 messages at the newest epoch
// or up to 3 ms after it. Properties: every message after the start is
// yielded exactly once, restarts included, epochs in order, except in a
// millisecond reported skipped, which must hold at least maxLimit messages;
// a poll that yields nothing and does not wait is followed by a different
// request, and at most log2(maxLimit/pageSize)+3 such polls come in a row;
// after the last arrival the cursor catches up in a bounded number of
// polls.
func FuzzFollowCursor(f *testing.F) {
	f.Add(uint64(1), uint8(1), uint8(0), false, uint8(0), []byte{0x04, 0x80, 0x80, 0x80})       // five tied, page 2
	f.Add(uint64(2), uint8(1), uint8(0), true, uint8(0), []byte{0x04, 0x80, 0x80, 0x80})        // the same, inclusive
	f.Add(uint64(3), uint8(0), uint8(3), false, uint8(0), []byte{0x07, 0x07, 0x07, 0x80, 0x1f}) // 24 tied, page 1, limit 4: skipped
	f.Add(uint64(4), uint8(0), uint8(3), true, uint8(0), []byte{0x07, 0x07, 0x07, 0x80, 0x1f})
	f.Add(uint64(5), uint8(2), uint8(9), true, uint8(1), []byte{0x03, 0x80, 0x03, 0x80, 0x0b, 0x80, 0x02, 0x13})                     // ties across polls, a start
	f.Add(uint64(6), uint8(3), uint8(20), false, uint8(2), []byte{0x87, 0x07, 0x07, 0x81, 0x0f, 0x0f, 0x80, 0x1f, 0x80, 0x80, 0x07}) // mixed
	f.Add(uint64(7), uint8(1), uint8(0), false, uint8(0), []byte{0x04, 0x80, 0xc0, 0x03, 0xc0, 0x80, 0x0c, 0xc0})                    // restarts among ties
	f.Add(uint64(8), uint8(0), uint8(3), true, uint8(1), []byte{0x07, 0x07, 0x07, 0x80, 0xc0, 0x1f, 0xc0, 0xc0})                     // restarts after a skip
	f.Fuzz(func(t *testing.T, seed uint64, pageSize, extra uint8, inclusive bool, startAt uint8, script []byte) {
		if len(script) > 64 {
			script = script[:64]
		}
		ps := 1 + int(pageSize%8)
		maxLimit := ps + int(extra%24)
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		model := &followModel{inclusive: inclusive, rng: rng}
		var start int64
		floor := startAt%3 != 0
		if floor {
			start = 1000 + int64(startAt%6)
		}
		cur := newFollowCursor(start, floor, ps, maxLimit)
		maxIdle := bits.Len(uint((maxLimit-1)/ps)) + 2 // ceil(log2(maxLimit/ps)) doublings, one learning of since, one skip

		var yielded []ConversationMessage
		var lastPos MessagePosition
		restart := func() {
			cur = newFollowCursor(start, floor, ps, maxLimit)
			if lastPos.IsZero() {
				return
			}
			text, err := lastPos.MarshalText()
			if err != nil {
				t.Fatal(err)
			}
			var p MessagePosition
			if err := p.UnmarshalText(text); err != nil {
				t.Fatalf("position %q: %v", text, err)
			}
			cur.resume(p)
		}
		skipped := map[int64]bool{}
		idle := 0 // polls in a row that yielded nothing and did not wait
		var prevSince int64 = -1
		prevLimit := -1
		poll := func() followStep {
			since, limit := cur.next()
			if idle > 0 && since == prevSince && limit == prevLimit {
				t.Fatalf("asked since=%d limit=%d again after a poll that yielded nothing and did not wait", since, limit)
			}
			if limit < 1 || limit > maxLimit || since < 0 {
				t.Fatalf("poll since=%d limit=%d (page size %d, max %d)", since, limit, ps, maxLimit)
			}
			st := cur.take(since, limit, model.get(since, limit))
			for _, e := range st.fresh {
				yielded = append(yielded, e.ConversationMessage)
				lastPos = e.Position
			}
			if st.err != nil {
				if !errors.Is(st.err, ErrMessagesSkipped) {
					t.Fatalf("error %v", st.err)
				}
				// After a skip the cursor's last is the millisecond skipped.
				if n := model.countAt(cur.last); n < maxLimit {
					t.Fatalf("skipped epoch %d holding %d messages, fewer than the limit %d", cur.last, n, maxLimit)
				}
				skipped[cur.last] = true
			}
			if len(st.fresh) == 0 && !st.wait {
				if idle++; idle > maxIdle {
					t.Fatalf("%d polls in a row yielded nothing without waiting (bound %d)", idle, maxIdle)
				}
			} else {
				idle = 0
			}
			prevSince, prevLimit = since, limit
			return st
		}

		epoch, n := int64(1000), 0
		for _, b := range script {
			if b&0x80 != 0 {
				if b&0x40 != 0 {
					restart()
					prevSince, prevLimit, idle = -1, -1, 0
				}
				poll()
				continue
			}
			epoch += int64(b>>3) & 3
			batch := make([]ConversationMessage, 1+int(b&7))
			for i := range batch {
				batch[i] = msg(fmt.Sprintf("m%d", n), epoch)
				n++
			}
			rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
			model.msgs = append(model.msgs, batch...)
		}
		// No more arrivals: the cursor catches up, then an idle poll
		// yields nothing and waits.
		caughtUp := false
		for range 4*n + 4*maxIdle + 8 {
			if st := poll(); st.wait && len(st.fresh) == 0 {
				caughtUp = true
				break
			}
		}
		if !caughtUp {
			t.Fatalf("not caught up after %d polls for %d messages", 4*n+4*maxIdle+8, n)
		}

		count := map[string]int{}
		for i, m := range yielded {
			count[*m.ConversationMessageUUID]++
			if i > 0 && *m.MessageEpoch < *yielded[i-1].MessageEpoch {
				t.Fatalf("out of order: epoch %d after %d", *m.MessageEpoch, *yielded[i-1].MessageEpoch)
			}
			if floor && *m.MessageEpoch <= start {
				t.Fatalf("yielded epoch %d, not after the start %d", *m.MessageEpoch, start)
			}
		}
		for id, c := range count {
			if c > 1 {
				t.Fatalf("%s yielded %d times", id, c)
			}
		}
		for _, m := range model.msgs {
			e := *m.MessageEpoch
			if (floor && e <= start) || skipped[e] {
				continue
			}
			if count[*m.ConversationMessageUUID] == 0 {
				t.Fatalf("message %s at epoch %d never yielded (page %d, max %d, inclusive %v, start %d/%v, skipped %v)",
					*m.ConversationMessageUUID, e, ps, maxLimit, inclusive, start, floor, skipped)
			}
		}
	})
}

// FuzzFollowCursorHostile drives the cursor against a service that answers
// anything: each poll's page comes from the script (cycled for ever), with
// messages from 8 ids and 8 epochs, missing epochs, epochs before since,
// 0 and math.MaxInt64 among them, pages shorter, as long as or longer than
// the limit. Properties: since never goes backwards and never wraps; no
// (id, epoch) is yielded twice and epochs come in order; the only errors
// are ErrMessagesSkipped and ErrPagingStalled; at most
// ⌈log2(maxLimit/pageSize)⌉+2 polls in a row neither yield nor wait; and a
// history walk (GetConversationMessagesIter: poll until the cursor waits) ends within
// (pairs+1)×(that bound+1) polls, pairs being the (id, epoch) the service
// can send.
func FuzzFollowCursorHostile(f *testing.F) {
	f.Add(uint8(1), uint8(0), uint8(0), []byte{0x12, 0x12, 0x12}) // the same full page for ever
	f.Add(uint8(0), uint8(5), uint8(3), []byte{0x07, 0x17, 0x27, 0x37, 0xff})
	f.Add(uint8(2), uint8(1), uint8(0), []byte{0x06, 0x06, 0x16, 0x26, 0x36, 0x46}) // epochs at MaxInt64
	f.Add(uint8(0), uint8(0), uint8(9), []byte{0x00, 0x10, 0x20})                   // no epochs
	f.Fuzz(func(t *testing.T, pageSize, extra, startAt uint8, script []byte) {
		if len(script) == 0 || len(script) > 64 {
			return
		}
		epochs := []*int64{nil, ptr(int64(0)), ptr(int64(1)), ptr(int64(2)), ptr(int64(1000)), ptr(int64(math.MaxInt64 - 1)), ptr(int64(math.MaxInt64)), ptr(int64(-5))}
		ps := 1 + int(pageSize%8)
		maxLimit := ps + int(extra%24)
		maxIdle := bits.Len(uint((maxLimit-1)/ps)) + 2
		start, floor := int64(startAt%4)*500, startAt%2 == 1
		cur := newFollowCursor(start, floor, ps, maxLimit)

		at := 0 // next script byte
		page := func(limit int) []ConversationMessage {
			// A page header byte: its length relative to limit (low 2
			// bits: limit-1, limit, limit+1, or the count in bits 2..5);
			// each message is one byte: id in bits 0..2, epoch in 3..5.
			h := script[at%len(script)]
			at++
			n := []int{limit - 1, limit, limit + 1, int(h>>2) & 15}[h&3]
			out := make([]ConversationMessage, 0, max(n, 0))
			for range max(n, 0) {
				b := script[at%len(script)]
				at++
				out = append(out, ConversationMessage{ConversationMessageUUID: ptr(fmt.Sprintf("m%d", b&7)), MessageEpoch: epochs[(b>>3)&7]})
			}
			return out
		}

		type pair struct {
			id    string
			epoch int64
		}
		yielded := map[pair]bool{}
		lastEpoch, prevSince := int64(math.MinInt64), int64(-1)
		idle, polls := 0, 0
		// 8 ids at 7 epochs, or without one (filed at the cursor's epoch:
		// one of those 7 or the start).
		bound := (8*(len(epochs)+1) + 1) * (maxIdle + 1)
		for {
			since, limit := cur.next()
			if since < prevSince || since < 0 {
				t.Fatalf("since went from %d to %d", prevSince, since)
			}
			if limit < 1 || limit > maxLimit {
				t.Fatalf("limit %d (page size %d, max %d)", limit, ps, maxLimit)
			}
			prevSince = since
			st := cur.take(since, limit, page(limit))
			polls++
			for _, e := range st.fresh {
				ep := e.Position.epoch // the message's, or the cursor's for one without
				k := pair{e.GetConversationMessageUUID(), ep}
				if yielded[k] {
					t.Fatalf("%v yielded twice", k)
				}
				if ep < lastEpoch {
					t.Fatalf("epoch %d after %d", ep, lastEpoch)
				}
				yielded[k], lastEpoch = true, ep
			}
			if st.err != nil && !errors.Is(st.err, ErrMessagesSkipped) && !errors.Is(st.err, ErrPagingStalled) {
				t.Fatalf("error %v", st.err)
			}
			if len(st.fresh) == 0 && !st.wait {
				if idle++; idle > maxIdle {
					t.Fatalf("%d polls in a row yielded nothing without waiting (bound %d)", idle, maxIdle)
				}
			} else {
				idle = 0
			}
			if st.wait {
				break // GetConversationMessagesIter ends here
			}
			if polls > bound {
				t.Fatalf("the history walk did not end within %d polls", bound)
			}
		}
	})
}
