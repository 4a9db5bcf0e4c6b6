package render

import (
	"fmt"
	"strings"
)

// labels are the default theme's interface strings.
var labels = map[string][2]string{ // key -> {zh, en}
	"home":          {"首页", "Home"},
	"tags":          {"标签", "Tags"},
	"archive":       {"归档", "Archive"},
	"undated":       {"未注明日期", "Undated"},
	"sections":      {"栏目", "Sections"},
	"newest":        {"最新文档", "Latest documents"},
	"documents":     {"%d 篇文档", "%d documents"},
	"count":         {"%d 篇", "%d"},
	"dated":         {"%d 篇注明日期", "%d dated"},
	"prev":          {"上一篇", "Previous"},
	"next":          {"下一篇", "Next"},
	"older":         {"较早", "Older"},
	"newer":         {"较新", "Newer"},
	"author":        {"作者", "Author"},
	"source":        {"来源", "Source"},
	"version":       {"版面", "Page"},
	"date":          {"日期", "Date"},
	"original":      {"原文链接", "Original"},
	"minutes":       {"约 %d 分钟读完", "%d min read"},
	"page":          {"第 %d / %d 页", "Page %d of %d"},
	"tagged":        {"标签：%s", "Tagged: %s"},
	"notfound":      {"页面不存在", "Page not found"},
	"notfoundp":     {"您要找的页面不存在。", "The page you are looking for does not exist."},
	"alltags":       {"全部标签", "All tags"},
	"metadata":      {"文档信息", "Document details"},
	"contents":      {"目录", "Contents"},
	"years":         {"年份", "Years"},
	"poweredby":     {"由 folio 生成", "Built with folio"},
	"skip":          {"跳到正文", "Skip to content"},
	"subsection":    {"子栏目", "Subsections"},
	"search":        {"搜索", "Search"},
	"issuer":        {"发文机关", "Issuer"},
	"doc_number":    {"发文字号", "Document number"},
	"doc_type":      {"文种", "Type"},
	"written":       {"成文日期", "Written"},
	"effective":     {"施行日期", "In force from"},
	"status":        {"效力", "Status"},
	"subjects":      {"主题分类", "Subjects"},
	"supersedes":    {"取代", "Supersedes"},
	"superseded_by": {"已被取代", "Superseded by"},
	"amends":        {"修改", "Amends"},
	"amended_by":    {"已被修改", "Amended by"},
	"related":       {"相关文件", "Related"},
	"versions":      {"版本沿革", "Versions"},
	"translations":  {"其他语言版本", "Translations"},
	"sidebyside":    {"对照阅读", "Side by side"},
	"original_doc":  {"原文", "Original"},
	"translation":   {"译文", "Translation"},
	"provenance":    {"来源信息", "Provenance"},
	"retrieved":     {"获取时间", "Retrieved"},
	"sha256":        {"源文件 SHA-256", "Source file SHA-256"},
	"cite":          {"引用本文", "Cite this document"},
	"copy":          {"复制", "Copy"},
	"copied":        {"已复制", "Copied"},
	"moreformats":   {"其他格式", "Other formats"},
	"relateddocs":   {"相关文档", "Related documents"},
	"chars":         {"全文 %d 字", "%d characters"},
	"this":          {"本文", "this document"},
	"order":         {"排序", "Order"},
	"relevance":     {"相关度", "Relevance"},
	"newest1st":     {"最新在前", "Newest first"},
	"allfacets":     {"全部来源与作者", "All sources and authors"},
	"allyears":      {"全部年份", "All years"},
}

func lang(l string) string {
	if strings.HasPrefix(strings.ToLower(l), "en") {
		return "en"
	}
	return "zh"
}

// label returns the interface string for key, formatted with args.
func (r *Renderer) label(key string, args ...any) string {
	l, ok := labels[key]
	if !ok {
		return key
	}
	s := l[0]
	if r.lang == "en" {
		s = l[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
