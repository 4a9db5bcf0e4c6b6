package search

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/folio-ssg/folio/internal/corpusgen"
)

// Vocabulary of the generated policy corpus: common words, weighted by
// rank; topic words; particles; and rare words made of random characters.
var (
	commonWords = strings.Fields(`发展 经济 建设 工作 国家 社会 推进 加强 坚持 全面 实施 推动 提高 深化 改革 创新 体系 制度 管理 服务
人民 政府 企业 市场 政策 重要 问题 能力 水平 领域 重点 要求 方面 进一步 完善 落实 保障 促进 安全 质量
文化 教育 科技 产业 农村 城市 地区 组织 机制 标准 规划 任务 目标 措施 资源 环境 生态 法治 治理 合作
国际 开放 投资 消费 就业 收入 民生 医疗 卫生 健康 人才 技术 数据 信息 网络 数字 基础 设施 交通 能源
金融 风险 监管 稳定 增长 结构 调整 转型 升级 协调 统筹 区域 新型 现代化 高质量 中国 特色 社会主义 新时代 思想
党中央 国务院 部门 单位 各级 有关 相关 积极 有效 持续 不断 更加 加快 着力 切实 认真 充分 国内生产总值 居民 地方`)
	topics = map[string][]string{
		"科技": strings.Fields(`人工智能 大模型 算力 芯片 半导体 量子 5G 网络安全 数字经济 云计算 大数据 算法 机器人 自动驾驶 集成电路 研发 基础研究 科研院所 实验室 知识产权`),
		"农业": strings.Fields(`乡村振兴 粮食安全 耕地保护 种业 农民增收 高标准农田 农产品 乡村治理 脱贫攻坚 农业现代化 家庭农场 合作社 宅基地 农田水利 乡村建设 冷链物流`),
		"金融": strings.Fields(`货币政策 利率 汇率 银行 保险 证券 债券 信贷 人民币 外汇储备 资本市场 普惠金融 金融监管 不良贷款 存款准备金 A股 基金 上市公司 融资 IPO`),
		"环境": strings.Fields(`碳达峰 碳中和 污染防治 生态保护 节能减排 新能源 光伏 风电 水污染 大气污染 绿色发展 生物多样性 排放 环境保护 林草 湿地`),
		"教育": strings.Fields(`义务教育 高等教育 职业教育 教师队伍 双减 学前教育 高校 学生 课程 教材 招生 考试 学科建设 研究生 留学 校园`),
		"医疗": strings.Fields(`医保 公立医院 疫苗 药品 分级诊疗 基层医疗 中医药 公共卫生 传染病 医务人员 健康中国 养老 医疗保障 集中采购 慢性病 疾控`),
		"外交": strings.Fields(`一带一路 多边主义 联合国 外交部 双边关系 大使 峰会 国际秩序 全球治理 命运共同体 金砖国家 上海合作组织 领事 友好合作 对外援助 和平`),
		"交通": strings.Fields(`高铁 高速公路 机场 港口 铁路 城市轨道交通 物流 快递 新能源汽车 充电桩 航运 民航 公路 交通运输 综合交通 枢纽`),
		"法治": strings.Fields(`宪法 法律 条例 司法 法院 检察院 依法治国 执法 立法 审判 律师 行政复议 诉讼 刑法 民法典 合规`),
		"就业": strings.Fields(`就业优先 失业保险 社会保障 灵活就业 高校毕业生 职业技能 农民工 工资 劳动合同 创业 稳岗 人力资源 退役军人 养老保险 公积金 社保`),
	}
	particles = strings.Split("的和在是对为以与及等了将把从中上", "")
	puncts    = []string{"，", "，", "，", "。", "；", "、"}
	docTypes  = []string{"通知", "意见", "办法", "决定", "报告", "规划", "方案", "公告"}
)

// genDocs returns n documents resembling Chinese policy articles of about
// 8 KB of text, the same for the same n and seed.
func genDocs(n int, seed uint64) []Doc {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	// Rarer words: 40,000 made of 3,000 characters, drawn by rank.
	var pool []rune
	for len(pool) < 3000 {
		pool = append(pool, rune(0x4E00+rng.IntN(0x9FA5-0x4E00)))
	}
	rare := make([]string, 40000)
	for i := range rare {
		w := make([]rune, 2+rng.IntN(2))
		for j := range w {
			w[j] = pool[rng.IntN(len(pool))]
		}
		rare[i] = string(w)
	}
	rareZipf := rand.NewZipf(rand.New(rand.NewPCG(seed+2, uint64(n))), 1.05, 10, uint64(len(rare)-1))
	names := make([]string, 0, len(topics))
	for k := range topics {
		names = append(names, k)
	}
	slices.Sort(names)
	zipf := rand.NewZipf(rand.New(rand.NewPCG(seed+1, uint64(n))), 1.1, 2, uint64(len(commonWords)-1))
	docs := make([]Doc, n)
	for i := range docs {
		t1, t2 := names[rng.IntN(len(names))], names[rng.IntN(len(names))]
		word := func() string {
			switch x := rng.IntN(100); {
			case x < 55:
				return commonWords[zipf.Uint64()]
			case x < 72:
				return topics[t1][rng.IntN(len(topics[t1]))]
			case x < 80:
				return topics[t2][rng.IntN(len(topics[t2]))]
			case x < 82:
				return fmt.Sprintf("%d年", 2000+rng.IntN(26))
			default:
				return rare[rareZipf.Uint64()]
			}
		}
		var b strings.Builder
		for b.Len() < 8000 {
			for range 3 + rng.IntN(4) { // sentences
				for k := range 6 + rng.IntN(12) {
					if k > 0 && rng.IntN(3) == 0 {
						b.WriteString(particles[rng.IntN(len(particles))])
					}
					b.WriteString(word())
					if k > 3 && rng.IntN(6) == 0 {
						b.WriteString(puncts[rng.IntN(3)])
					}
				}
				b.WriteString(puncts[3+rng.IntN(3)])
			}
			b.WriteString("\n")
		}
		title := fmt.Sprintf("关于%s%s%s的%s", topics[t1][rng.IntN(len(topics[t1]))], commonWords[rng.IntN(20)], topics[t2][rng.IntN(len(topics[t2]))], docTypes[rng.IntN(len(docTypes))])
		docs[i] = Doc{
			URL:    fmt.Sprintf("/%d/doc%06d/", 2000+i%26, i),
			Title:  title,
			Text:   b.String(),
			Tags:   []string{t1, t2},
			Facets: map[string][]string{"source": {[]string{"人民日报", "新华社", "经济日报"}[rng.IntN(3)]}},
			Date:   fmt.Sprintf("%d-%02d-%02d", 2000+i%26, 1+rng.IntN(12), 1+rng.IntN(28)),
			Lang:   "zh",
		}
	}
	return docs
}

// corpusgenDocs returns the n documents internal/corpusgen writes, as the
// build would give them: front matter removed, the Chinese date as ISO.
func corpusgenDocs(t testing.TB, n int) []Doc {
	dir := t.TempDir()
	if err := corpusgen.Write(dir, n); err != nil {
		t.Fatal(err)
	}
	title := regexp.MustCompile(`(?m)^title: (.*)$`)
	date := regexp.MustCompile(`(?m)^date: (\d{4})年(\d{2})月(\d{2})日$`)
	tags := regexp.MustCompile(`(?m)^tags: \[(.*)\]$`)
	var docs []Doc
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := string(b)
		_, body, _ := strings.Cut(strings.TrimPrefix(s, "---\n"), "\n---\n")
		m := date.FindStringSubmatch(s)
		rel, _ := filepath.Rel(dir, p)
		docs = append(docs, Doc{
			URL:   "/" + strings.TrimSuffix(filepath.ToSlash(rel), ".md") + "/",
			Title: title.FindStringSubmatch(s)[1],
			Text:  body,
			Tags:  strings.Split(tags.FindStringSubmatch(s)[1], ", "),
			Date:  m[1] + "-" + m[2] + "-" + m[3],
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}
