#!/usr/bin/env python3
"""Generates a synthetic news site on the Asharq Al-Awsat (aawsat) article template, for the
crawl benchmark (bench/crawl/run.sh).

    python3 bench/crawl/gen_site.py --out DIR --base http://127.0.0.1:PORT [--articles 5000]

Deterministic: the same arguments give the same bytes. Standard library only. The layout
on disk is what bench/crawl/run.sh's nginx config expects:

    DIR/index.html                       home page: menu, latest articles, feed link
    DIR/من-نحن.html, DIR/اتصل-بنا.html     the footer's about and contact pages
    DIR/<section>/index.html             /<section>            (listing, page 0)
    DIR/<section>/page-N.html            /<section>?page=N     (listing, page N)
    DIR/<section>/<nid>-<slug>.html      /<section>/<nid>-<slug>  (article)
    DIR/robots.txt                       allow all, with a Sitemap: line
    DIR/sitemap.xml                      sitemap index -> sitemap-sections.xml, sitemap-N.xml
    DIR/feed.xml                         /feed  (RSS 2.0, latest 50 articles)
    DIR/manifest.json                    counts and every article URL (for checking coverage)

Section names and slugs are Arabic; links carry them percent-encoded (upper-case hex), as
the real site does. Article markup follows fixtures/aawsat/seed.html (the reference markup in
../shared/sites/aawsat.md): .node--type-article with data-url, .entry-title h1, optional
.entry-subtitle, .entry-media with .img-caption, the printable copy with .print-title,
optional .entry-byline / .entry-date, .entry-content paragraphs (sometimes a crosshead, a
<br>-split paragraph, a .read-also box), and «مقالات ذات صلة» with 4-5 .article-item cards
linking to other articles of the site. One article per page (no infinite-scroll sibling),
so every article page gives exactly one record.
"""

import argparse
import datetime as dt
import html
import json
import os
import random
from urllib.parse import quote

SECTIONS = [
    "أخبار", "العالم العربي", "الخليج", "المشرق العربي", "شمال افريقيا", "العالم", "الاقتصاد",
    "رياضة", "ثقافة وفنون", "يوميات الشرق", "صحتك", "تكنولوجيا", "علوم", "سفر وسياحة", "إعلام",
    "الرأي", "منوعات", "بيئة", "سينما", "كتب",
]

PLACES = ["القاهرة", "الرياض", "بيروت", "دبي", "لندن", "باريس", "موسكو", "واشنطن", "جدة", "عمّان",
          "بغداد", "الرباط", "تونس", "الكويت", "الدوحة", "جنيف", "باكو", "أنقرة", "دمشق", "الخرطوم"]
REPORTERS = ["حمدي عابدين", "سوسن أبو حسين", "محمد الشافعي", "نادية عبد الرحيم", "علي بردى",
             "كميل الطويل", "فتح الرحمن يوسف", "ميرزا الخويلدي", "بثينة عبد الرحمن", "«الشرق الأوسط»"]
CREDITS = ["أ.ف.ب", "أ.ب", "رويترز", "واس", "د.ب.أ", "إ.ب.أ", "الشرق الأوسط", "بشار طالب/أ.ف.ب"]
ARABIC_MONTHS = ["يناير (كانون الثاني)", "فبراير (شباط)", "مارس (آذار)", "أبريل (نيسان)",
                 "مايو (أيار)", "يونيو (حزيران)", "يوليو (تموز)", "أغسطس (آب)",
                 "سبتمبر (أيلول)", "أكتوبر (تشرين الأول)", "نوفمبر (تشرين الثاني)",
                 "ديسمبر (كانون الأول)"]

# Sentences of the aawsat fixtures (fixtures/aawsat/*.html), the text the articles are made of.
SENTENCES = [
'يستضيف قصر الأمير طاز في حي الخليفة بالقاهرة التاريخية معرض «خطوط رمضانية» الذي يجمع أعمال 24 خطاطاً وفناناً تشكيلياً من مصر والسودان وسوريا، ويستمر حتى نهاية شهر رمضان.',
'حوار بين الحرف واللون ويقدم المعرض، وفق منظميه، تجارب تمزج بين قواعد الخطوط الكلاسيكية مثل الثلث والديواني والكوفي، وبين التكوينات الحديثة التي تعتمد على اللون والفراغ.',
'وقال الفنان أحمد فارس، أحد المشاركين، لـ«الشرق الأوسط» إن «الحرف العربي يملك طاقة بصرية لا تنفد، وكل جيل يكتشف فيه شيئاً جديداً».',
'وعلى هامش المعرض تُنظم ورش يومية بعد الإفطار لتعليم الأطفال مبادئ خط الرقعة، إلى جانب أمسيات للإنشاد الديني تقام في فناء القصر.',
'ويأتي المعرض ضمن برنامج «ليالي رمضان الثقافية» الذي تنظمه وزارة الثقافة المصرية في عدد من المواقع الأثرية بالقاهرة والإسكندرية.',
'الرياض: «الشرق الأوسط»: انطلقت في الرياض، اليوم الاثنين، أعمال المؤتمر الدولي لمستقبل المدن الذكية بمشاركة أكثر من ٣٠٠ خبير ومسؤول من ٤٠ دولة.',
'ويناقش المؤتمر على مدى ثلاثة أيام حلول النقل الذكي وإدارة الطـاقة في المباني، إلى جانب عرض تجربة منصة «Smart Riyadh»\u200f التي تربط الخدمات البلدية في تطبيق واحد.',
'وأشار المنظمون إلى أن الاستثمارات في مشاريع المدن الذكية بالمنطقة نمت بنسبة \u061c٢٥٪ خلال العامين الماضيين، وأن الطلب يتزايد على حلول الذكاء الاصطناعي في إدارة المرور.',
'ومن المقرر أن تُختتم أعمال المؤتمر مساء الأربعاء بإعلان توصيات تُرفع إلى الجهات المعنية في الدول المشاركة.',
'ذكرت كل من مالي وروسيا أن الرئيس الروسي فلاديمير بوتين ناقش في مكالمة هاتفية، اليوم الأربعاء، التعاون الأمني والاقتصادي مع رئيس المجلس العسكري الحاكم في مالي أسيمي غويتا.',
'وبحسب «رويترز»، يأتي ذلك بعد يوم من إجراء بوتين مكالمة هاتفية مماثلة مع زعيم المجلس العسكري في النيجر المجاورة.',
'وقال غويتا على موقع التواصل الاجتماعي «إكس»: «ناقشنا الملفات المشتركة، وخاصة في المجالين الأمني والاقتصادي.',
'واتفقنا على زيادة التعاون في الحرب ضد الإرهاب».',
'وأكد الكرملين المكالمة وقال إن الزعيمين اتفقا على توثيق العلاقات.',
'وأصبحت مالي في السنوات القليلة الماضية من أقرب حلفاء روسيا في أفريقيا، مع انتشار مجموعات مسلحة تابعة لمجموعة «فاغنر» في البلاد لمحاربة متمردين جهاديين في الدولة الواقعة في منطقة الساحل الأفريقي.',
'وتسعى روسيا إلى تعزيز العلاقات مع الدول الأفريقية، وتقديم نفسها بوصفها دولة صديقة ليس لها تاريخ استعماري في القارة.',
'ويبدو أن المكالمة تأتي ضمن جولة تحركات دبلوماسية أجراها بوتين مع زعماء غرب ووسط أفريقيا منذ إعادة انتخابه في وقت سابق من هذا الشهر.',
'وذكر الكرملين، اليوم الأربعاء، أن بوتين وزعيم جمهورية الكونغو دينيس ساسو نجيسو اتفقا في مكالمة هاتفية على تعميق العلاقات السياسية والاقتصادية والإنسانية.',
'وقال التلفزيون الرسمي في النيجر، أمس الثلاثاء، إن بوتين تحدث هاتفياً مع زعيم المجلس العسكري عبد الرحمن تياني، وناقشا الحاجة إلى تعزيز التعاون الأمني بين البلدين.',
'وجاءت المكالمة بعد قرار اتخذته النيجر، وهي حليف سابق للغرب في حربه مع التمرد المسلح في منطقة الساحل، في 17 مارس (آذار) بإلغاء اتفاق عسكري مع الولايات المتحدة.',
'وقبل أيام من قرار إلغاء الاتفاق، حذر مسؤولون أميركيون قادة المجلس العسكري في النيجر بشأن علاقاتهم مع روسيا وإيران.',
'وجاء قرار المجلس العسكري في النيجر في أعقاب قرار مالي وبوركينا فاسو المجاورتين قطع علاقاتهما العسكرية مع حلفاء تقليديين منهم فرنسا، وتغيير الوجهة باتجاه روسيا.',
'واتفقت دول الساحل، التي تواجه تمرد جماعات إسلامية، في وقت سابق من هذا الشهر، على تشكيل قوة مشتركة لمواجهة التهديدات الأمنية عبر أراضيها.',
'قالت شبكة «فوكس 32 شيكاغو» إن رجلاً من مدينة بالوس هيلز الأميركية حُكم عليه بالسجن لمدة أربع سنوات تقريباً بتهمة شحن أجزاء من أسلحة بشكل غير قانوني إلى أفراد في إسرائيل في ثلاث مناسبات عام 2022.',
'وكان أمين بيتوني، 37 عاماً، أقر بالذنب في وقت سابق من هذا العام بتهمة تصدير أجزاء أسلحة نارية عن علم في انتهاك للقوانين واللوائح وحُكم عليه بالسجن لمدة 46 شهراً، وفقاً للمدعين الفيدراليين.',
'وقال المدعون إنه وضع معلومات كاذبة على ملصقات الشحن وأخفى أجزاء البنادق في عبوات تحتوي على أجزاء سيارات أو شوايات.',
'وخلال تفتيش منزله، عثرت الشرطة على أكثر من 1200 طلقة من الذخيرة المتنوعة، وبندقية صيد، وبندقية، ومسدس، وثلاثة أجهزة معروفة باسم «مفاتيح جلوك»، التي تمكن البنادق من إطلاق طلقات متعددة بضغطة واحدة على الزناد.',
'وقال القائم بأعمال المدعي العام باس كوال في بيان: «إن انتهاكات ضوابط التصدير مهمة للغاية لأنها تقوض القوانين واللوائح التي تسعى إلى حماية الأمن الدولي وسيواصل مكتب المدعي العام العمل مع شركائنا في إنفاذ القانون لملاحقة أولئك الذين يسعون إلى استغلال قوانين ضوابط التصدير لتحقيق مكاسب مالية بلا هوادة».',
'موسكو - رويترز: ألغت مطارات موسكو أو أرجأت عشرات الرحلات الجوية، اليوم الأربعاء، بعد أن شهدت العاصمة الروسية أكثف تساقط للثلوج منذ بداية الشتاء، وفق ما أعلنته السلطات المحلية.',
'وقالت هيئة الأرصاد الجوية إن سُمك الثلوج في بعض أحياء المدينة تجاوز 40 سنتيمتراً خلال أقل من 24 ساعة، فيما انخفضت درجات الحرارة إلى 15 درجة تحت الصفر.',
'وأوضحت إدارة مطار شيريميتيفو، الأكبر في البلاد، أنها استعانت بأكثر من 200 آلية لإزالة الثلوج عن المدارج، مؤكدة أن الرحلات ستعود إلى طبيعتها تدريجياً بحلول المساء.',
'كما أعلنت بلدية موسكو تعليق الدراسة الحضورية في عدد من المدارس، ودعت السكان إلى تجنب استخدام السيارات الخاصة والاعتماد على مترو الأنفاق.',
'ويُعد شهر فبراير (شباط) عادةً من أكثر أشهر السنة برودة في العاصمة الروسية، التي يتجاوز عدد سكانها 13 مليون نسمة.',
]

WORDS = sorted({w.strip("«»،.:()\"") for s in SENTENCES for w in s.split()}
               - {""})
WORDS = [w for w in WORDS if any(c.isalpha() for c in w)]
SITE_NAME = "الشرق الأوسط"
PER_PAGE = 20          # articles per listing page
PER_SITEMAP = 1000     # URLs per child sitemap
FEED_ITEMS = 50


def esc(s):
    return html.escape(s, quote=True)


def slugify(text):
    keep = []
    for w in text.split():
        w = w.strip("«»،.:؛()\"'!؟?")
        if any(c.isalnum() for c in w):
            keep.append(w)
    return "-".join(keep[:10])


def enc(path):
    """Percent-encodes a path the way the site writes links (UTF-8, upper-case hex)."""
    return quote(path, safe="/-")


class Article:
    __slots__ = ("i", "nid", "section", "headline", "subtitle", "slug", "path", "url_path",
                 "published", "modified", "caption", "image", "summary", "place", "byline",
                 "paragraphs", "crosshead", "br_para", "read_also", "jsonld", "has_date",
                 "related")


def make_articles(n, rng):
    start = dt.datetime(2024, 11, 28, 12, 0, tzinfo=dt.timezone.utc)
    arts = []
    for i in range(n):
        a = Article()
        a.i = i
        a.nid = 5_100_000 - i * 7
        a.section = SECTIONS[rng.randrange(len(SECTIONS))]
        words = rng.sample(WORDS, rng.randint(5, 9))
        if rng.random() < 0.3:
            words[0] = "«" + words[0] + "»"
        a.headline = " ".join(words)
        a.subtitle = " ".join(rng.sample(WORDS, rng.randint(8, 14))) if rng.random() < 0.5 else None
        a.slug = slugify(a.headline)
        a.path = "/" + a.section.replace(" ", "-") + "/" + f"{a.nid}-{a.slug}"
        a.url_path = enc(a.path)
        a.published = start - dt.timedelta(minutes=17 * i + rng.randint(0, 9))
        a.modified = a.published + dt.timedelta(minutes=rng.randint(5, 120))
        a.caption = " ".join(rng.sample(WORDS, rng.randint(4, 9))) + f" ({rng.choice(CREDITS)})"
        d = a.published
        a.image = f"/sites/default/files/styles/1300xauto/public/{d:%Y/%m/%d}/img-{a.nid}.jpg"
        a.place = rng.choice(PLACES)
        a.byline = f"{a.place}: {rng.choice(REPORTERS)}" if rng.random() < 0.4 else None
        npara = rng.randint(6, 14)
        a.paragraphs = [" ".join(rng.sample(SENTENCES, rng.randint(1, 2))) for _ in range(npara)]
        a.summary = a.paragraphs[0][:160]
        a.crosshead = (rng.randrange(1, npara), " ".join(rng.sample(WORDS, 4))) if rng.random() < 0.3 else None
        a.br_para = rng.randrange(npara) if rng.random() < 0.2 else None
        a.read_also = rng.random() < 0.2
        a.jsonld = rng.random() < 0.9
        a.has_date = rng.random() < 0.7
        arts.append(a)
    # related cards: mostly the same section, all other articles of the site
    by_section = {}
    for a in arts:
        by_section.setdefault(a.section, []).append(a)
    for a in arts:
        pool = by_section[a.section]
        k = rng.randint(4, 5)
        rel = []
        while len(rel) < k:
            b = rng.choice(pool) if rng.random() < 0.7 else rng.choice(arts)
            if b is not a and b not in rel:
                rel.append(b)
        a.related = rel
    return arts


def head(title, canonical, extra=""):
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{esc(title)}</title>
  <link rel="canonical" href="{esc(canonical)}">
{extra}  <link rel="stylesheet" href="/themes/custom/aawsat/css/style.css">
  <link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/feed">
</head>
"""


def menu():
    items = "\n".join(f'        <li><a href="{enc("/" + s.replace(" ", "-"))}">{esc(s)}</a></li>'
                      for s in SECTIONS)
    return f"""  <header class="site-header">
    <a class="site-logo" href="/"><img src="/themes/custom/aawsat/logo.svg" alt="{SITE_NAME}"></a>
    <nav class="main-menu">
      <ul>
        <li><a href="/">الرئيسية</a></li>
{items}
      </ul>
    </nav>
  </header>
"""


FOOTER = """  <footer class="site-footer">
    <ul class="footer-links">
      <li><a href="/%D9%85%D9%86-%D9%86%D8%AD%D9%86">من نحن</a></li>
      <li><a href="/%D8%A7%D8%AA%D8%B5%D9%84-%D8%A8%D9%86%D8%A7">اتصل بنا</a></li>
      <li><a href="/feed">RSS</a></li>
    </ul>
    <p class="copyright">جميع الحقوق محفوظة © 2024 الشرق الأوسط</p>
  </footer>
"""


def card(b, base, featured=False):
    img = base + b.image.replace("1300xauto", "article_img_top")
    overlay = f'\n          <div class="article-item-overlay-title">{esc(b.headline)}</div>' if featured else ""
    cls = "article-item article-item--featured" if featured else "article-item"
    return f"""        <div class="{cls}">{overlay}
          <div class="article-item-img">
            <a href="{b.url_path}"><img src="{esc(img)}" alt="{esc(b.caption)}"></a>
            <span class="article-item-section">{esc(b.section)}</span>
            <div class="img-caption">{esc(b.caption)}</div>
          </div>
          <div class="article-item-info">
            <div class="article-item-title"><h2><a href="{b.url_path}">{esc(b.headline)}</a></h2></div>
            <div class="article-item-summary">{esc(b.summary)}</div>
            <div class="article-item-dateline">«الشرق الأوسط» ({esc(b.place)})</div>
          </div>
        </div>
"""


def iso(d):
    return d.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def visible_date(d):
    return f"نُشر: {d:%H:%M}-{d.day} {ARABIC_MONTHS[d.month - 1]} {d.year} م"


def article_page(a, base):
    canonical = base + a.url_path
    image = base + a.image
    meta = [
        f'  <meta name="description" content="{esc(a.summary)}">',
        '  <meta property="og:type" content="article">',
        f'  <meta property="og:title" content="{esc(a.headline)}">',
        f'  <meta property="og:url" content="{esc(canonical)}">',
        f'  <meta property="og:image" content="{esc(image)}">',
        f'  <meta property="og:site_name" content="{SITE_NAME}">',
        f'  <meta property="article:published_time" content="{iso(a.published)}">',
        f'  <meta property="article:section" content="{esc(a.section)}">',
    ]
    if a.jsonld:
        section_url = base + enc("/" + a.section.replace(" ", "-"))
        ld = {"@context": "https://schema.org", "@graph": [
            {"@type": "NewsArticle", "@id": canonical + "#article", "headline": a.headline,
             "datePublished": iso(a.published), "dateModified": iso(a.modified),
             "articleSection": a.section, "inLanguage": "ar",
             "author": {"@type": "Organization", "name": SITE_NAME, "url": base + "/"},
             "publisher": {"@type": "Organization", "name": SITE_NAME},
             "image": {"@type": "ImageObject", "url": image, "width": 1300, "height": 867},
             "mainEntityOfPage": {"@type": "WebPage", "@id": canonical}},
            {"@type": "BreadcrumbList", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "الرئيسية", "item": base + "/"},
                {"@type": "ListItem", "position": 2, "name": a.section, "item": section_url},
                {"@type": "ListItem", "position": 3, "name": a.headline, "item": canonical}]}]}
        meta.append('  <script type="application/ld+json">' + json.dumps(ld, ensure_ascii=False) + "</script>")
    out = [head(f"{a.headline} | {SITE_NAME}", canonical, "\n".join(meta) + "\n")]
    out.append('<body class="path-node page-node-type-article">\n')
    out.append(menu())
    subtitle = f'\n        <div class="entry-subtitle">{esc(a.subtitle)}</div>' if a.subtitle else ""
    print_img = base + a.image.replace("1300xauto", "article_img_top")
    byline = f'\n          <div class="entry-byline">{esc(a.byline)}</div>' if a.byline else ""
    date = (f'\n          <div class="entry-date"><time datetime="{iso(a.published)}">{visible_date(a.published)}</time></div>'
            if a.has_date else "")
    body = []
    for j, p in enumerate(a.paragraphs):
        if a.crosshead and a.crosshead[0] == j:
            body.append(f"            <h3>{esc(a.crosshead[1])}</h3>")
        if a.br_para == j and ". " in p:
            first, rest = p.split(". ", 1)
            body.append(f"            <p>{esc(first)}.<br>\n            {esc(rest)}</p>")
        else:
            body.append(f"            <p>{esc(p)}</p>")
        if a.read_also and j == 1:
            r = a.related[-1]
            body.append(f'            <div class="read-also"><span>اقرأ أيضاً</span> <a href="{r.url_path}">{esc(r.headline)}</a></div>')
    cards = "".join(card(b, base, featured=(k == 0)) for k, b in enumerate(a.related))
    out.append(f"""  <main class="main-content">
    <div class="node node--type-article" data-nid="{a.nid}" data-url="{a.url_path}">
      <div class="entry-header">
        <div class="entry-title"><h1>{esc(a.headline)}</h1></div>{subtitle}
        <div class="entry-media">
          <div class="img-field">
            <img src="{esc(image)}" alt="{esc(a.caption)}">
            <div class="img-caption">{esc(a.caption)}</div>
          </div>
        </div>
      </div>
      <div class="font-size-control"><button type="button">T</button><button type="button">T</button></div>
      <div class="printable-area">
        <article>
          <h2 class="print-title">{esc(a.headline)}</h2>
          <figure class="entry-media"><img src="{esc(print_img)}" alt="{esc(a.caption)}"><figcaption>{esc(a.caption)}</figcaption></figure>{byline}{date}
          <div class="entry-content">
{chr(10).join(body)}
          </div>
        </article>
      </div>
      <section class="related-articles">
        <h2 class="block-title">مقالات ذات صلة</h2>
{cards}      </section>
    </div>
  </main>
""")
    out.append(FOOTER)
    out.append(f"""  <script>
    window.dataLayer = window.dataLayer || [];
    window.dataLayer.push({{"event": "articleView", "nid": "{a.nid}", "site": "aawsat"}});
  </script>
</body>
</html>
""")
    return "".join(out)


def listing_page(section, items, page, pages, base):
    sec_path = enc("/" + section.replace(" ", "-"))
    canonical = base + sec_path + (f"?page={page}" if page else "")
    out = [head(f"{section} | {SITE_NAME}", canonical)]
    out.append('<body class="path-taxonomy page-section">\n')
    out.append(menu())
    out.append(f'  <main class="main-content">\n    <h1 class="section-title">{esc(section)}</h1>\n    <div class="section-articles">\n')
    out.extend(card(b, base, featured=(page == 0 and k == 0)) for k, b in enumerate(items))
    out.append("    </div>\n")
    # Drupal-style pager: first, previous, a window of pages, next, last
    links = []
    def href(p):
        return sec_path + (f"?page={p}" if p else "")
    if page > 0:
        links.append(f'<li class="pager__item--first"><a href="{href(0)}">« الأولى</a></li>')
        links.append(f'<li class="pager__item--previous"><a href="{href(page - 1)}" rel="prev">‹ السابقة</a></li>')
    for p in range(max(0, page - 4), min(pages, page + 5)):
        if p == page:
            links.append(f'<li class="pager__item is-active"><span>{p + 1}</span></li>')
        else:
            links.append(f'<li class="pager__item"><a href="{href(p)}">{p + 1}</a></li>')
    if page < pages - 1:
        links.append(f'<li class="pager__item--next"><a href="{href(page + 1)}" rel="next">التالية ›</a></li>')
        links.append(f'<li class="pager__item--last"><a href="{href(pages - 1)}">الأخيرة »</a></li>')
    out.append('    <nav class="pager"><ul class="pager__items">\n      ' + "\n      ".join(links) + "\n    </ul></nav>\n")
    out.append("  </main>\n")
    out.append(FOOTER)
    out.append("</body>\n</html>\n")
    return "".join(out)


def home_page(arts, base):
    out = [head(f"{SITE_NAME} | جريدة العرب الدولية", base + "/")]
    out.append('<body class="path-frontpage">\n')
    out.append(menu())
    out.append('  <main class="main-content">\n    <div class="front-latest">\n')
    out.extend(card(b, base, featured=(k == 0)) for k, b in enumerate(arts[:30]))
    out.append("    </div>\n  </main>\n")
    out.append(FOOTER)
    out.append("</body>\n</html>\n")
    return "".join(out)


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return len(text.encode("utf-8"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="directory to write the site into")
    ap.add_argument("--base", required=True, help="scheme://host:port the site is served at")
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=20241128)
    args = ap.parse_args()
    base = args.base.rstrip("/")
    rng = random.Random(args.seed)
    arts = make_articles(args.articles, rng)
    root = args.out
    os.makedirs(root, exist_ok=True)
    total = 0
    for a in arts:
        total += write(root, a.path.lstrip("/") + ".html", article_page(a, base))
    listing_urls = []
    by_section = {s: [] for s in SECTIONS}
    for a in arts:  # newest first
        by_section[a.section].append(a)
    for s in SECTIONS:
        items = by_section[s]
        pages = max(1, -(-len(items) // PER_PAGE))
        for p in range(pages):
            chunk = items[p * PER_PAGE:(p + 1) * PER_PAGE]
            name = "index.html" if p == 0 else f"page-{p}.html"
            total += write(root, s.replace(" ", "-") + "/" + name, listing_page(s, chunk, p, pages, base))
            listing_urls.append(base + enc("/" + s.replace(" ", "-")) + (f"?page={p}" if p else ""))
    total += write(root, "index.html", home_page(arts, base))
    # the footer's two static pages
    static_urls = []
    for name, title in (("من-نحن", "من نحن"), ("اتصل-بنا", "اتصل بنا")):
        page = (head(f"{title} | {SITE_NAME}", base + enc("/" + name)) + '<body class="path-page">\n' + menu()
                + f'  <main class="main-content">\n    <h1>{esc(title)}</h1>\n    <p>{esc(SENTENCES[0])}</p>\n  </main>\n'
                + FOOTER + "</body>\n</html>\n")
        total += write(root, name + ".html", page)
        static_urls.append(base + enc("/" + name))
    # sitemaps: an index, one child for the sections, one per PER_SITEMAP articles
    children = []
    sm = ['<?xml version="1.0" encoding="UTF-8"?>',
          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for s in SECTIONS:
        sm.append(f"  <url><loc>{base}{enc('/' + s.replace(' ', '-'))}</loc><changefreq>hourly</changefreq></url>")
    sm.append("</urlset>\n")
    write(root, "sitemap-sections.xml", "\n".join(sm))
    children.append((base + "/sitemap-sections.xml", arts[0].published))
    for k in range(0, len(arts), PER_SITEMAP):
        chunk = arts[k:k + PER_SITEMAP]
        sm = ['<?xml version="1.0" encoding="UTF-8"?>',
              '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        for a in chunk:
            sm.append(f"  <url><loc>{base}{a.url_path}</loc><lastmod>{iso(a.modified)}</lastmod></url>")
        sm.append("</urlset>\n")
        name = f"sitemap-{k // PER_SITEMAP + 1}.xml"
        write(root, name, "\n".join(sm))
        children.append((f"{base}/{name}", chunk[0].modified))
    idx = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lm in children:
        idx.append(f"  <sitemap><loc>{loc}</loc><lastmod>{iso(lm)}</lastmod></sitemap>")
    idx.append("</sitemapindex>\n")
    write(root, "sitemap.xml", "\n".join(idx))
    # RSS feed
    items = []
    for a in arts[:FEED_ITEMS]:
        items.append(f"""    <item>
      <title>{esc(a.headline)}</title>
      <link>{base}{a.url_path}</link>
      <guid isPermaLink="false">{a.nid}</guid>
      <description>{esc(a.summary)}</description>
      <category>{esc(a.section)}</category>
      <pubDate>{a.published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>
    </item>""")
    write(root, "feed.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>{SITE_NAME}</title>
    <link>{base}/</link>
    <description>{SITE_NAME}</description>
    <language>ar</language>
{chr(10).join(items)}
  </channel>
</rss>
""")
    write(root, "robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n")
    manifest = {
        "base": base,
        "articles": len(arts),
        "sections": len(SECTIONS),
        "listing_pages": len(listing_urls),
        "static_pages": len(static_urls),
        "html_pages": len(arts) + len(listing_urls) + len(static_urls) + 1,  # + the home page
        "child_sitemaps": len(children),
        "html_bytes": total,
        "article_urls": [base + a.url_path for a in arts],
        "listing_urls": listing_urls,
        "static_urls": static_urls,
    }
    with open(os.path.join(root, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False)
    print(f"site: {len(arts)} articles, {len(listing_urls)} listing pages in {len(SECTIONS)} sections, "
          f"home, {len(static_urls)} static pages, "
          f"{len(children)} child sitemaps, {total / 1e6:.1f} MB of HTML, in {root}")


if __name__ == "__main__":
    main()
