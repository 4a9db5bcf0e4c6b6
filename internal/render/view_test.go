package render

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"testing"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/site"
)

// shown are the members of the model each view lets templates read through
// the embedded object without a step of its own: what the object's key (or,
// for the site and the page, every page's stamp) covers. A member of the
// model that is neither here nor replaced by a method in view.go fails
// TestViewsRecordEveryStep, so a field added to the model cannot reach a
// template unrecorded: it is either shown through its object's key (add it
// here and to that key's value in deps.go) or given a step (a method in
// view.go).
var shown = map[reflect.Type][]string{
	// The page's stamp holds the configuration and the page itself.
	reflect.TypeFor[Site](): {"Config", "BasePath", "RelURL", "URLFrom", "AbsURL"},
	reflect.TypeFor[Page](): {"Kind", "Path", "Output", "Title", "Pager"},
	// docValue: every content.Doc field but bodyFields (checked below),
	// placement, and what is computed from those and the configuration.
	reflect.TypeFor[Doc](): {"Slug", "Path", "DocNo", "Status", "StatusGiven",
		"RelURL", "AbsURL", "Work", "DocNumberText", "Citation", "LegalForce",
		"Known", "Has", "Value", "Dir", "Section", "Name", "References"},
	reflect.TypeFor[Term]():     {"Name", "Path", "Key"},
	reflect.TypeFor[Taxonomy](): {"Key", "Path", "Label"},
	reflect.TypeFor[Period]():   {"Year", "Month", "Path"},
	reflect.TypeFor[Section]():  {"Dir", "Title", "Intro", "Path"},
}

// modelTypes are the types a template must only see through views.
var modelTypes = []reflect.Type{
	reflect.TypeFor[site.Site](), reflect.TypeFor[site.Page](), reflect.TypeFor[site.Doc](),
	reflect.TypeFor[site.Term](), reflect.TypeFor[site.Taxonomy](), reflect.TypeFor[site.Period](),
	reflect.TypeFor[site.Section](), reflect.TypeFor[site.Relation](), reflect.TypeFor[site.MonthBar](),
	reflect.TypeFor[site.Alias](),
}

// views are the types that stand for model objects in templates.
var views = []reflect.Type{reflect.TypeFor[Site](), reflect.TypeFor[Page](), reflect.TypeFor[Doc](), reflect.TypeFor[Term](), reflect.TypeFor[Taxonomy](), reflect.TypeFor[Period](), reflect.TypeFor[Section]()}

// reaches reports whether a value of t can lead to a model object.
func reaches(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if slices.Contains(modelTypes, t) {
		return true
	}
	if slices.Contains(views, t) {
		return false // checked member by member
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return reaches(t.Elem(), seen)
	case reflect.Map:
		return reaches(t.Key(), seen) || reaches(t.Elem(), seen)
	case reflect.Func:
		for i := range t.NumOut() {
			if reaches(t.Out(i), seen) {
				return true
			}
		}
	case reflect.Struct:
		for _, f := range reflect.VisibleFields(t) {
			top := t.Field(f.Index[0])
			if top.Anonymous && slices.Contains(views, top.Type.Elem()) && top.Type.Kind() == reflect.Pointer {
				continue // an embedded view: checked member by member
			}
			if f.IsExported() && reaches(f.Type, seen) {
				return true
			}
		}
	}
	// Methods a template could call on a value of t.
	pt := t
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		pt = reflect.PointerTo(t)
	}
	if t.PkgPath() != "" && t.PkgPath() != reflect.TypeFor[Doc]().PkgPath() {
		for i := range pt.NumMethod() {
			if reaches(pt.Method(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// ownMethods are the methods view.go declares on each view type.
func ownMethods(t *testing.T) map[string]map[string]bool {
	f, err := parser.ParseFile(token.NewFileSet(), "view.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || !fn.Name.IsExported() {
			continue
		}
		recv := fn.Recv.List[0].Type
		if star, ok := recv.(*ast.StarExpr); ok {
			recv = star.X
		}
		name := recv.(*ast.Ident).Name
		if out[name] == nil {
			out[name] = map[string]bool{}
		}
		out[name][fn.Name.Name] = true
	}
	return out
}

// TestViewsRecordEveryStep holds every member of the model a template can
// reach through a view either to a method of view.go, which records it, or
// to the list of members its object's key covers; and no member a view
// shows, nor any template function, leads to a model object unrecorded.
func TestViewsRecordEveryStep(t *testing.T) {
	own := ownMethods(t)
	for view, list := range shown {
		embedded := view.Field(0).Type.Elem() // *siteX
		mine := own[view.Name()]
		members := map[string]reflect.Type{}
		for _, f := range reflect.VisibleFields(embedded) {
			if f.IsExported() && !f.Anonymous {
				members[f.Name] = f.Type
			}
		}
		pt := reflect.PointerTo(embedded)
		for i := range pt.NumMethod() {
			members[pt.Method(i).Name] = pt.Method(i).Type
		}
		for name, typ := range members {
			if mine[name] {
				continue
			}
			isBody := view == reflect.TypeFor[Doc]() && bodyFields[name]
			_, contentField := reflect.TypeFor[content.Doc]().FieldByName(name)
			covered := slices.Contains(list, name) || view == reflect.TypeFor[Doc]() && contentField && !isBody
			switch {
			case !covered:
				t.Errorf("%s.%s reaches templates unrecorded: give it a step in view.go, or cover it by its object's key in deps.go and list it in shown", view.Name(), name)
			case reaches(typ, map[reflect.Type]bool{}):
				t.Errorf("%s.%s leads to a model object: it needs a method in view.go", view.Name(), name)
			}
		}
		// A view's own fields are copies of members of its object
		// (viewFields): each must be one the object's key covers.
		for i := range view.NumField() {
			f := view.Field(i)
			if !f.IsExported() || f.Anonymous {
				continue
			}
			typ, ok := members[f.Name]
			_, contentField := reflect.TypeFor[content.Doc]().FieldByName(f.Name)
			switch {
			case !ok:
				t.Errorf("%s has a field %s that its object does not have", view.Name(), f.Name)
			case mine[f.Name]:
				t.Errorf("%s.%s is both a field and a method", view.Name(), f.Name)
			case !slices.Contains(list, f.Name) && !(view == reflect.TypeFor[Doc]() && contentField && !bodyFields[f.Name]):
				t.Errorf("%s.%s is a field of the view, but its object's key does not cover it", view.Name(), f.Name)
			case reaches(f.Type, map[reflect.Type]bool{}) || reaches(typ, map[reflect.Type]bool{}):
				t.Errorf("%s.%s leads to a model object", view.Name(), f.Name)
			}
		}
		for _, name := range list {
			if _, ok := members[name]; !ok {
				t.Errorf("shown lists %s.%s, which the model does not have", view.Name(), name)
			}
		}
	}
	// The views' own methods hand out views only.
	for _, view := range views {
		pt := reflect.PointerTo(view)
		for name := range own[view.Name()] {
			m, _ := pt.MethodByName(name)
			for i := range m.Type.NumOut() {
				if reaches(m.Type.Out(i), map[reflect.Type]bool{}) {
					t.Errorf("%s.%s returns %s, which leads to a model object", view.Name(), name, m.Type.Out(i))
				}
			}
		}
	}
	r := &Renderer{}
	for name, fn := range r.funcs() {
		ft := reflect.TypeOf(fn)
		for i := range ft.NumIn() {
			if reaches(ft.In(i), map[reflect.Type]bool{}) {
				t.Errorf("template function %s takes %s: templates hold views", name, ft.In(i))
			}
		}
		for i := range ft.NumOut() {
			if reaches(ft.Out(i), map[reflect.Type]bool{}) {
				t.Errorf("template function %s returns %s, which leads to a model object", name, ft.Out(i))
			}
		}
	}
}

// TestViewFieldsCopyTheirObjects holds each view's own fields (viewFields)
// to the members of the model object they copy, on a document that sets
// every one of them.
func TestViewFieldsCopyTheirObjects(t *testing.T) {
	s := readerSite(t, "zh", "content/policy/gov/notice.md", `---
title: 国务院办公厅关于印发通知的通知
date: 2025年4月27日
lang: zh
summary: 摘要文字
author: 新华社记者
source: 人民日报
original_url: https://example.org/a.html
version: 第01版
id: GB-2025-1
doc_type: 通知
tags: [人工智能, 数据]
issuer: [国务院办公厅]
subjects: [科技]
written: 2025-04-20
effective: 2025-05-01
retrieved: 2025-04-28T08:00:00Z
status: 现行有效
---
正文。
`)
	d := s.Docs[0]
	rec := newRecorder()
	check := func(view any) {
		t.Helper()
		v := reflect.ValueOf(view).Elem()
		model := v.Field(0).Elem() // the embedded *siteX
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Anonymous {
				continue
			}
			want := model.FieldByName(f.Name)
			if !want.IsValid() {
				t.Errorf("%s.%s: the model has no such field", v.Type().Name(), f.Name)
				continue
			}
			if f.Name == "Config" { // a pointer to the site's own
				want = want.Addr()
			}
			if v.Field(i).IsZero() {
				t.Errorf("%s.%s is zero: the test sets every field", v.Type().Name(), f.Name)
			}
			if !reflect.DeepEqual(v.Field(i).Interface(), want.Interface()) {
				t.Errorf("%s.%s = %#v, want %#v", v.Type().Name(), f.Name, v.Field(i).Interface(), want.Interface())
			}
		}
	}
	doc := rec.doc(d)
	check(doc)
	check(newSite(s, rec))
	var pager *site.Page
	for _, p := range s.Pages() {
		if p.Pager != nil && p.Period != nil {
			pager = p
			break
		}
	}
	if pager == nil {
		t.Fatal("no page with a pager")
	}
	check(newPage(pager, rec))
	check(doc.TagLinks()[0])
	check(doc.ArchiveMonth())
	check(doc.Sections()[0])
	check(newSite(s, rec).Facet("issuer"))
}
