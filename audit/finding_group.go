package audit

import "github.com/google/uuid"

// groupNamespace is the UUID namespace of grouped finding ids.
var groupNamespace = uuid.MustParse("4a00d065-2e06-4b31-8525-ba90e118a52b")

// GroupID is the stable id of the issue that groups one checklist item's
// findings across the rooms of one school: a name-based (version 5) UUID
// of the school id and the item id, the same on every device and export.
func GroupID(schoolID, itemID string) string {
	return uuid.NewSHA1(groupNamespace, []byte(schoolID+"\x00"+itemID)).String()
}

// GroupID is the id of the grouped issue this finding belongs to.
func (f Finding) GroupID() string { return GroupID(f.SchoolID, f.ItemID) }
