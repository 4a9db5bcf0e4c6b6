package policy

import (
	"strings"
)

// Status is whether a document is still in force. The zero Status is
// Unknown.
type Status uint8

const (
	Unknown  Status = iota // 未知
	InForce                // 有效
	Repealed               // 失效: repealed, revoked, superseded or expired
	Amended                // 已修改: in force with changes
)

// dashes reads "-" and "_" as spaces.
var dashes = strings.NewReplacer("-", " ", "_", " ")

// ParseStatus reads a status in Chinese or English (see the package doc).
// It reports false, with Unknown, for a value it does not know; "未知" and
// "unknown" are known.
func ParseStatus(s string) (Status, bool) {
	k := Key(dashes.Replace(Key(s)))
	switch k {
	case "有效", "现行有效", "现行", "生效", "已生效", "在效",
		"in force", "in effect", "effective", "active", "current", "valid":
		return InForce, true
	case "失效", "已失效", "废止", "已废止", "废除", "已废除", "撤销", "已撤销",
		"repealed", "revoked", "rescinded", "superseded", "expired", "invalid",
		"no longer in force", "no longer in effect":
		return Repealed, true
	case "已修改", "被修改", "已被修改", "修改", "修正", "已修正", "修订", "已修订", "部分失效",
		"amended", "modified", "partially repealed":
		return Amended, true
	case "未知", "unknown":
		return Unknown, true
	}
	return Unknown, false
}

// Label returns the status in Chinese when lang is "zh" or starts with
// "zh-" (in any case), else in English.
func (s Status) Label(lang string) string {
	lang = strings.ToLower(lang)
	zh := lang == "zh" || strings.HasPrefix(lang, "zh-")
	switch s {
	case InForce:
		return pick(zh, "有效", "in force")
	case Repealed:
		return pick(zh, "失效", "repealed")
	case Amended:
		return pick(zh, "已修改", "amended")
	}
	return pick(zh, "未知", "unknown")
}

// Slug returns a name for CSS classes and URLs: "in-force", "repealed",
// "amended" or "unknown".
func (s Status) Slug() string {
	switch s {
	case InForce:
		return "in-force"
	case Repealed:
		return "repealed"
	case Amended:
		return "amended"
	}
	return "unknown"
}

func pick(zh bool, a, b string) string {
	if zh {
		return a
	}
	return b
}
