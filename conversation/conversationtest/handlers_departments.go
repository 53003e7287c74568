package conversationtest

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/ultracart-community/ultracart-go/gen"
)

// GetConversationDepartments lists departments ordered by department_name.
func (h handlers) GetConversationDepartments(_ context.Context, _ gen.GetConversationDepartmentsRequestObject) (gen.GetConversationDepartmentsResponseObject, error) {
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]gen.ConversationDepartment, 0, len(s.st.departments))
	for _, d := range s.st.departments {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		return lessFold(str(out[i].DepartmentName), str(out[j].DepartmentName),
			*out[i].ConversationDepartmentOid, *out[j].ConversationDepartmentOid)
	})
	return gen.GetConversationDepartments200JSONResponse{
		ConversationDepartments: clone(out),
		Metadata:                okMeta(),
		Success:                 ptr(true),
	}, nil
}

func checkDepartment(d *gen.ConversationDepartment) error {
	if strings.TrimSpace(str(d.DepartmentName)) == "" {
		return badRequest("department_name is required")
	}
	return nil
}

// InsertConversationDepartment stores a new department under a new oid.
func (h handlers) InsertConversationDepartment(_ context.Context, req gen.InsertConversationDepartmentRequestObject) (gen.InsertConversationDepartmentResponseObject, error) {
	s := h.s
	if req.Body == nil {
		return nil, badRequest("a department body is required")
	}
	d := clone(*req.Body)
	if err := checkDepartment(&d); err != nil {
		return nil, err
	}
	d.ConversationDepartmentOid = nil
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := clone(s.putDepartmentLocked(d))
	return gen.InsertConversationDepartment200JSONResponse{
		ConversationDepartment: &stored,
		Metadata:               okMeta(),
		Success:                ptr(true),
	}, nil
}

// UpdateConversationDepartment replaces the department with that oid, or
// removes it when delete_me is true. An unknown oid is a 400.
func (h handlers) UpdateConversationDepartment(_ context.Context, req gen.UpdateConversationDepartmentRequestObject) (gen.UpdateConversationDepartmentResponseObject, error) {
	s := h.s
	oid := req.ConversationDepartmentOid
	if req.Body == nil {
		return nil, badRequest("a department body is required")
	}
	d := clone(*req.Body)
	if err := checkOidMatch(d.ConversationDepartmentOid, oid, "conversation_department_oid"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.st.departments[oid]
	if !ok {
		return nil, notFound("department", strconv.Itoa(int(oid)))
	}
	if err := checkDepartment(&d); err != nil {
		return nil, err
	}
	d.ConversationDepartmentOid = ptr(oid)
	stored := clone(s.putDepartmentLocked(d))
	return gen.UpdateConversationDepartment200JSONResponse{
		ConversationDepartment: &stored,
		Metadata:               okMeta(),
		Success:                ptr(true),
	}, nil
}
