package conversation

import (
	"context"

	"github.com/ultracart-community/ultracart-go/gen"
)

var (
	opGetDepartments   = operation{id: "getConversationDepartments", idempotent: true}
	opInsertDepartment = operation{id: "insertConversationDepartment"}
	opUpdateDepartment = operation{id: "updateConversationDepartment", idempotent: true}
)

func departmentEnvelope(r *ConversationDepartmentResponse) (*bool, *gen.Error) {
	return r.Success, r.Error
}

// Departments lists the departments ordered by name (getConversationDepartments).
func (c *Client) Departments(ctx context.Context) (*ConversationDepartmentsResponse, error) {
	return call(ctx, c, opGetDepartments, gen.NewGetConversationDepartmentsRequest,
		func(r *ConversationDepartmentsResponse) (*bool, *gen.Error) { return r.Success, r.Error })
}

// InsertDepartment creates a department (insertConversationDepartment). Not
// retried after a failure that may have reached the service.
func (c *Client) InsertDepartment(ctx context.Context, dept *ConversationDepartment) (*ConversationDepartmentResponse, error) {
	return callWithBody(ctx, c, opInsertDepartment, "dept", dept, gen.NewInsertConversationDepartmentRequest, departmentEnvelope)
}

// UpdateDepartment replaces the department with the given oid
// (updateConversationDepartment).
func (c *Client) UpdateDepartment(ctx context.Context, oid int, dept *ConversationDepartment) (*ConversationDepartmentResponse, error) {
	return callUpdate(ctx, c, opUpdateDepartment, oid, "dept", dept, gen.NewUpdateConversationDepartmentRequest, departmentEnvelope)
}
