"""The cleaner's noise rules, as data.

Each rule is a named object: `name` is the reason code written to `Removal.rule`, `why` says what the line is
and why it is not article text, `examples` must match and `counterexamples` must not (tests check both). Rules
are phrased by what a line *does* on any site (asks you to subscribe, credits a photo, counts comments), never
by one site's wording. A keyword rule only fires on lines of at most `max_words` words: the same keyword
inside
a long sentence is article text ("Readers who subscribe to the newsletter..." is reporting, "Subscribe" is a
button). Where unsure, a rule does not fire and the line goes on to the statistical judgement.

Metadata patterns (bylines, agency marks, syndication footers) live here too because they are also
"lines that are not body", but they fill fields as well; `clean.py` reads their groups.
"""

from __future__ import annotations

import re
import re._constants as _sre_constants
import re._parser as _sre_parser
from bisect import bisect_right
from dataclasses import dataclass, field

_I = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class LineRule:
    """A rule that judges one paragraph on its own."""

    name: str
    why: str
    pattern: re.Pattern[str]
    max_words: int = 12
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    """Lower-case substrings one of which every *unanchored* alternative of `pattern` contains: a fast
    screen, since a `str in str` test is far cheaper than a regex search over a long line."""

    def matches(self, line: str, n_words: int | None = None, lower: str | None = None) -> bool:
        """True when the line is short enough for this rule and its pattern is found."""
        words = n_words if n_words is not None else len(line.split())
        if words > self.max_words:
            return False
        start, anywhere = _split(self)
        if start is not None and start.match(line):
            return True
        if anywhere is None:
            return False
        low = lower if lower is not None else line.lower()
        if self.keys and not any(key in low for key in self.keys):
            return False
        return anywhere.search(line) is not None


_SPLIT_CACHE: dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}


def _split(rule: LineRule) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The rule's pattern as (alternatives anchored at the start, used with match; the others, searched)."""
    cached = _SPLIT_CACHE.get(rule.name)
    if cached is None:
        anchored, loose = [], []
        for alt in top_level_alternatives(rule.pattern.pattern):
            (anchored if alt.startswith("^") else loose).append(alt[1:] if alt.startswith("^") else alt)
        cached = (
            re.compile("|".join(f"(?:{a})" for a in anchored), rule.pattern.flags) if anchored else None,
            re.compile("|".join(f"(?:{a})" for a in loose), rule.pattern.flags) if loose else None,
        )
        _SPLIT_CACHE[rule.name] = cached
    return cached


def top_level_alternatives(pattern: str) -> list[str]:
    """Split a regex at its top-level `|` (outside groups and character classes)."""
    parts, depth, in_class, escaped, current = [], 0, False, False, []
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


LINE_RULES: tuple[LineRule, ...] = (
    LineRule(
        "syndication_footer",
        "RSS and syndication footers name the original publisher; they frame the article, they are not "
        "in it.",
        _rx(
            r"^the post .+ (?:appeared|was published) first on .+$"
            r"|^(?:this|the) (?:article|story|post|piece) (?:was )?(?:originally |first )?(?:appeared|publish"
            r"ed|"
            r"posted|ran) (?:at|on|in|by) (?!(?:19|20)\d\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec).+"
            r"$"
            r"|^(?:originally|first) (?:published|appeared|posted) (?:at|on|in|by) "
            r"(?!(?:19|20)\d\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec).+$"
            r"|^republished (?:with|by) (?:permission|kind permission)"
            r"|^(?:reprinted|reposted|republished|syndicated) (?:with permission )?(?:from|with permission)"
        ),
        max_words=60,
        examples=(
            "The post Trump prepares US military to target cartels appeared first on TheBlaze.",
            "This article originally appeared at Antiwar.com.",
            "This story was originally published on Example News.",
            "Originally published at The Conversation.",
            "Republished with permission from the author.",
        ),
        counterexamples=("The post office appeared on the map first.", "This article is about cartels."),
    ),
    LineRule(
        "credits",
        "Agency credit lines list who reported and edited; they close wire copy and are not the story.",
        _rx(
            r"^\((?:additional )?(?:reporting|writing|editing|compiled|translated|research) by [^)]{2,200}\)"
            r"\W*$"
            r"|^(?:additional )?(?:reporting|writing|compiled) by [^;]{2,120};\s*(?:editing|edited|writing) b"
            r"y"
            r"|^\((?:[^()]*; )?(?:editing|edited) by [^)]+\)$"
        ),
        max_words=50,
        examples=(
            "(Reporting by Idrees Ali; Editing by Nia Williams)",
            "Reporting by Jane Doe in London; Editing by John Smith",
            "(Additional reporting by A. B.)",
        ),
        counterexamples=("Reporting by the Times found that the order was signed.",),
    ),
    LineRule(
        "comment_form",
        "Comment sections and their forms (counts, prompts, required-field notes, reply and sort controls).",
        _rx(
            r"^(?:leave|post|add|write|submit|cancel) (?:a |your |the )?(?:comment|reply|response)\b"
            r"|^(?:\d+|no|one|view|show|hide|load|read|see) (?:more |all |the )?(?:comments?|responses|replie"
            r"s)\b"
            r"|^(?:comments?|responses|replies|discussion|join the (?:discussion|conversation))\W*(?:\(\d+\))"
            r"?$"
            r"|will not be published|required fields are marked|is required\W*$|^name\W*\*?$|^website\W*$"
            r"|^reply\W*$|^sort by\b|^(?:newest|oldest|best|top) (?:first)?$|comment policy|^log ?in to (?:co"
            r"mment|reply)"
            r"|^\*$|^kommentare?\b|^commentaires?\b|^comentarios?\b|save my name, email"
        ),
        max_words=20,
        examples=(
            "Leave a Comment",
            "Your email address will not be published. Required fields are marked *",
            "*",
            "Comments",
            "12 Comments",
            "Reply",
            "Save my name, email, and website in this browser for the next time I comment.",
        ),
        counterexamples=("Comments from the minister were welcomed by the opposition.",),
        keys=("publish", "required", "comment policy", "save my name"),
    ),
    LineRule(
        "newsletter_prompt",
        "Newsletter and e-mail sign-up boxes ask the reader to subscribe; they sit in every article of a site"
        ".",
        _rx(
            r"\bnewsletters?\b|\bsubscribe\b|^sign[ -]?up\b|\bsign[ -]?up (?:for|to|now|here|today)\b"
            r"|(?:to|in) your inbox|\bopt[ -]?in\b|enter your e-?mail|your e-?mail address|e-?mail address\W*"
            r"$"
            r"|\bunsubscribe\b|\babonnieren\b|\bs'abonner\b|\bsuscr[ií]b|\bnieuwsbrief\b"
        ),
        max_words=30,
        examples=(
            "Like Blaze News? Bypass the censors, sign up for our newsletters, and get stories like this dire"
            "ct "
            "to your inbox. Sign up here!",
            "Subscribe to Blog via Email",
            "Enter your email address to subscribe to this blog and receive notifications of new posts by ema"
            "il.",
            "Sign up for our newsletter",
            "Email Address *",
        ),
        counterexamples=(
            "Readers who subscribe to the paper were told in a letter that prices will rise next year, the "
            "company said on Tuesday, citing higher printing and distribution costs across the country.",
        ),
        keys=("newsletter", "subscribe", "sign", "inbox", "opt", "mail", "abonn", "suscr", "nieuwsbrief"),
    ),
    LineRule(
        "share_strip",
        "Share and follow strips (social network names, share/tweet/e-mail buttons, follow-us prompts, the "
        "blog platforms' like buttons).",
        _rx(
            r"^(?:share|tweet|pin|email|e-mail|print|copy link|copy|whatsapp|facebook|twitter|x|linkedin|redd"
            r"it"
            r"|telegram|pinterest|flipboard|threads|bluesky|mastodon|tumblr|messenger|sms|instagram|youtube"
            r"|tiktok|rss|feed|teilen|partager|compartir|condividi|delen)"
            r"(?:[\s,|/·•]+(?:share|tweet|pin|email|e-mail|print|copy link|whatsapp|facebook|twitter|x|linked"
            r"in"
            r"|reddit|telegram|pinterest|flipboard|threads|bluesky|mastodon|tumblr|messenger|sms|instagram"
            r"|youtube|tiktok|rss|on|this|article|story|post|page|via|link|now))*\W*$"
            r"|^(?:share|spread) (?:this|the|on|via|with)\b|^follow (?:us|me)\b|^like us on\b|^find us on\b"
            r"|^join us on\b|^connect with us\b|^(?:share|shares)\W*\d*$|^\d[\d.,]*k?\s*(?:shares?|likes?|vie"
            r"ws?)$"
            r"|^click to (?:share|email|print|tweet)"
            r"|^like this\W*$|^like loading\W*$|^be the first to like this\W*$"
        ),
        max_words=14,
        examples=(
            "Share",
            "Facebook Twitter LinkedIn Email",
            "Share this article",
            "Follow us on Instagram",
            "Click to share on Facebook (Opens in new window)",
            "1.2k Shares",
            "Like this:",
            "Like Loading...",
        ),
        counterexamples=(
            "Share prices fell sharply on Monday after the report was published.",
            "Like this one, the bill passed the senate.",
        ),
    ),
    LineRule(
        "related_links",
        "Related, read-more, trending and most-popular headers and links point to other articles.",
        _rx(
            r"^(?:read|see|view|watch|discover|explore) (?:more|also|all)\W*$"
            r"|^(?:read|see) (?:more|also|next)\s*(?:stories|articles|posts|news|from|about this)?\s*[:»›>]?"
            r"\s*$"
            r"|^(?:more|latest|recent|related|trending|suggested)"
            r" (?:stories|articles|posts|news|reads|headlines)\b"
            r"|^(?:related|recommended|trending|most (?:popular|read|viewed|shared|commented)|popular|up next"
            r"|you (?:may|might) (?:also )?(?:like|enjoy|be interested)|don'?t miss|also read|editor'?s picks"
            r"?"
            r"|what to read next|further reading|in case you missed it|more from\b|next (?:article|post|story"
            r")"
            r"|previous (?:article|post|story)|(?:next|previous|prev|older|newer) (?:posts?|entries)?)\W*"
            r"|^(?:lesen sie auch|mehr zum thema|à lire aussi|lire aussi|leer más|lee también|leia (?:mais|ta"
            r"mbém)"
            r"|potrebbe interessarti|ook interessant)\b"
            r"|^continue reading\W*$|^keep reading\W*$|^load more\b|^show more\W*$|^view all\W*$|^see all\W*$"
        ),
        max_words=10,
        examples=("Read More Stories", "Related Articles", "You may also like", "Most Popular", "Read more:"),
        counterexamples=(
            "Read more about the ruling in the court's full opinion, which runs to 80 pages and was released "
            "Friday after weeks of delay.",
        ),
    ),
    LineRule(
        "related_teaser",
        "A labelled link to another article set between paragraphs ('Also read: <headline>', 'Related: "
        "<headline>') is the site's related-links block in miniature: the label and a headline, no sentence "
        "of this article.",
        _rx(
            r"^[\W_]{0,3}(?:also read|read also"
            r"|related(?: (?:article|story|post|reading|content|coverage))?s?|read more|see also|read next"
            r"|must read|don'?t miss|further reading|recommended(?: reading)?"
            r"|suggested reading|you (?:may|might) also like|more on this(?: topic| story)?)\s*[:|–—]+\s*\S"
        ),
        max_words=30,
        examples=(
            "Also read: Who is Demis Hassabis: CEO of DeepMind, AI career, Nobel laureate, tech visionary",
            "READ MORE: Should you offer green cleaning services?",
            "[Read more: A Guide to Small Business Accounting]",
            ">> Related: The Best Antivirus and VPN Bundles",
            "See also: Film vs Digital Cameras for Landscape Photography",
        ),
        counterexamples=(
            "Read more than one review before you buy: a single tester's view says little about a product.",
            "Related costs: the council said fees would rise by 4% next year.",
        ),
    ),
    LineRule(
        "tags",
        "Tag, category and topic lists label the article for the site's navigation.",
        _rx(
            r"^(?:tags?|tagged|topics?|categories|category|filed under|posted in|labels?|keywords|schlagworte"
            r"|themen|étiquettes|etiquetas)\s*[:|]"
        ),
        max_words=40,
        examples=("Tags: cartels, Mexico, military", "Filed under: World", "Categories: News"),
        counterexamples=("Tags were found on three of the birds.",),
    ),
    LineRule(
        "bare_url",
        "A line that is only a web address (a text browser's numbered list of the page's links, a share or "
        "source link printed out) is a link target, not prose: an article cites a source in a sentence.",
        _rx(r"^(?:\d{1,4}[.)]\s+)?(?:(?:https?|ftp|file)://\S+|www\.\S+|(?:mailto|tel|javascript):.{1,40})$"),
        max_words=4,
        examples=(
            "https://example.com/news/2025/05/story-title/",
            "102. https://www.facebook.com/example/",
            "6. tel:(800) 677-7887",
            "file:///commercial-insurance/",
            "javascript:void(0)",
        ),
        counterexamples=("Read the report at https://example.org/report.pdf", "www"),
    ),
    LineRule(
        "breadcrumb",
        "Breadcrumb trails (Home > Section > Page) are navigation.",
        _rx(
            r"^(?:home|start|startseite|accueil|inicio)\s*(?:[>»›/|]|\\>)\s*\S"
            r"|^[^.!?>]{1,40}(?:\s[»›]\s[^.!?»›]{1,40}){2,}$"
        ),
        max_words=20,
        examples=("Home > News > World", "Home / Politics / Article", "News » World » Americas"),
        counterexamples=("Home prices rose 5% in May.",),
    ),
    LineRule(
        "image_credit",
        "Photo and image credits and captions' credit tails name who took a picture.",
        _rx(
            r"^(?:photo|image|picture|foto|bild|photographie)s?"
            r"(?: credits?| courtesy(?: of)?| by| source| via)?\s*[:/|©]"
            r"|^(?:photo|image|picture|illustration)s? (?:credits?|courtesy|by)\b"
            r"|^(?:credits?|crédit)\s*:"
            r"|\((?:photo|image|picture)s?(?: credits?)?(?: by|:)[^)]*\)\s*$"
            r"|^(?:©|\(c\))\s*\S.{0,60}(?:images?|photos?|photography|stock|press|via)\W*$"
        ),
        max_words=25,
        examples=(
            "Photo: Jane Doe/Getty Images",
            "Image credit: NASA",
            "Credit: Reuters",
            "(Photo by John Smith)",
        ),
        counterexamples=("Photography has changed how we see war.",),
        keys=("photo", "image", "picture"),
    ),
    LineRule(
        "copyright",
        "Copyright and legal lines sit in every page footer.",
        _rx(
            r"©|\(c\)\s*(?:19|20)\d\d|^copyright\s*(?:©|\(c\)|\d{4}|by\b)|\bcopyright\s*(?:©|\(c\)|\d{4})|all"
            r" rights reserved|alle rechte vorbehalten"
            r"|tous droits réservés|todos los derechos|tutti i diritti|^privacy(?: policy| notice)?\W*$"
            r"|^(?:terms(?: of (?:use|service))?|terms (?:and|&) conditions|cookie policy|legal(?: notice)?"
            r"|impressum|datenschutz(?:erklärung)?|sitemap|site map|contact us|about us|advertise with us"
            r"|privacy settings|do not sell my (?:personal )?info(?:rmation)?)\W*$"
        ),
        max_words=25,
        examples=(
            "© 2025 Example Media. All rights reserved.",
            "Privacy Policy",
            "Terms of Use",
            "Contact Us",
        ),
        counterexamples=(
            "The copyright dispute between the two companies went to court in 2019, the filing "
            "shows, and has not been settled since then despite talks.",
        ),
        keys=("©", "(c)", "copyright", "rights reserved", "rechte", "droits", "derechos", "diritti"),
    ),
    LineRule(
        "cookie_notice",
        "Cookie and consent notices are shown by the site, not written by the author; so are a consent "
        "manager's descriptions of its cookie categories and its cookie tables.",
        _rx(
            r"\b(?:we|this (?:web)?site|our (?:web)?site|site) (?:uses?|is using) cookies\b|\bcookies? (?:pol"
            r"icy|settings"
            r"|preferences|notice|consent)\b|\b(?:accept|reject|decline|manage|allow)(?: all)? (?:cookies|con"
            r"sent)\b"
            r"|^(?:accept|decline|reject|i agree|got it|dismiss|allow all|manage preferences)\W*$"
            r"|\bby (?:using|continuing|browsing)\b.*\b(?:cookies|privacy policy)\b"
            r"|^(?:(?:strictly )?necessary|essential|functional|performance|analytic(?:al|s)?|advertisement"
            r"|advertising|marketing|targeting|preferences?|statistics|social media|uncategori[sz]ed|other"
            r"|any)"
            r" cookies (?:are|help|is|include|that|allow|enable|may|do)\b.*\bwebsite"
            r"|\bsets? (?:this|the) cookie\b|\b(?:this|the) cookie is (?:used|set)\b"
            r"|^cookie\s+duration\s+description$"
        ),
        max_words=60,
        examples=(
            "We use cookies to ensure that we give you the best experience on our website.",
            "Accept all cookies",
            "Got it",
            "Necessary cookies are absolutely essential for the website to function properly.",
            "Analytical cookies are used to understand how visitors interact with the website.",
            "_ga    1 year    Google Analytics sets this cookie to store and count page views.",
            "Cookie    Duration    Description",
        ),
        counterexamples=(
            "She baked cookies for the soldiers.",
            "Analytics cookies are controversial, the regulator said on Monday.",
        ),
        keys=("cookie", "consent", "privacy policy"),
    ),
    LineRule(
        "ad_marker",
        "Advertisement markers and 'story continues below' breaks interrupt the text.",
        _rx(
            r"^(?:advertisement|advertising|advert|ad|ads|sponsored(?: content| post| by .*)?|promoted(?: con"
            r"tent)?"
            r"|paid (?:post|content|partner(?:ship)?)|partner content|anzeige|werbung|publicité|publicidad"
            r"|pubblicità|reclame)\W*(?:[-–—].*)?$"
            r"|^(?:story|article|text) continues (?:below|after)|^continue reading below|^scroll to continue"
            r"|we may (?:earn|receive) (?:a )?(?:small )?(?:commission|compensation)"
        ),
        max_words=30,
        examples=(
            "Advertisement",
            "Advertisement - Continue Reading Below",
            "Story continues below advertisement",
            "We may earn commission from links on this page, but we only recommend products we back.",
        ),
        counterexamples=("Advertising revenue fell by a third in the quarter.",),
        keys=("we may",),
    ),
    LineRule(
        "legal_notice",
        "Form consent, cookie banners and advice disclaimers are the site's legal text, written once and "
        "shown under every article; they can run to a long paragraph, so the phrases are ones article prose "
        'does not use about itself ("By submitting this form, you agree", "This website uses cookies", '
        '"is not intended to replace ... advice").',
        _rx(
            r"^by (?:submitting|signing up|clicking|subscribing|continuing|providing|entering|registering"
            r"|using this)\b.{0,200}\b(?:you (?:agree|consent|authori[sz]e|acknowledge|confirm|accept)"
            r"|i agree)"
            r"|\b(?:we|this (?:web)?site|our (?:web)?site) (?:uses?|is using) cookies\b"
            r"|\bnot (?:intended|meant) (?:to|as) (?:be )?(?:a substitute|replace|constitute|provide"
            r"|serve as)\b.{0,60}\b(?:advice|professional|consultation)"
            r"|\b(?:does|should) not (?:constitute|be (?:considered|construed as)) (?:legal|financial|investm"
            r"ent|medical|tax|professional)? ?advice\b"
        ),
        max_words=150,
        examples=(
            "By submitting this form, you authorize the university to contact you by SMS.",
            "By clicking Sign Me Up, you confirm you are 16+ and agree to our Terms of Use.",
            "This website uses cookies to improve your experience while you navigate through the website.",
            "This material is not intended to replace the advice of a qualified advisor.",
            "This article does not constitute financial advice.",
        ),
        counterexamples=(
            "By signing the treaty, both countries agreed to cut tariffs over five years, officials said.",
            "Regulators said sites that use cookies to track children must ask parents first.",
            "The drug is not intended to replace insulin, the company said.",
        ),
        keys=("cookie", "not intended", "not meant", "advice"),
    ),
    LineRule(
        "download_link",
        "'Download ...' links and app-store prompts offer files or apps, not text.",
        _rx(
            r"^download\b|\b(?:get|download|install) (?:the|our) (?:free )?app\b|\bapp store\b|\bgoogle play"
            r"\b"
        ),
        max_words=4,
        examples=("Download IPFS", "Download the app", "Google Play"),
        counterexamples=("Downloads of the app doubled after the launch event in May, the company said.",),
        keys=("app", "google play"),
    ),
    LineRule(
        "paywall_login",
        "Login, registration and paywall prompts gate the page.",
        _rx(
            r"^(?:log ?in|sign ?in|log ?out|sign ?out|register|create (?:a |an |your )?(?:free )?account"
            r"|my account|account|join now|join|become a (?:member|subscriber))\W*$"
            r"|already (?:a |have an )?(?:subscriber|member|account)|to continue reading|unlock (?:this|full)"
            r"|subscribers? only|for subscribers|premium (?:content|article)|(?:log|sign) in to\b"
            r"|^anmelden\W*$|^connexion\W*$|^iniciar sesión\W*$|forgot (?:your )?password"
        ),
        max_words=25,
        examples=(
            "Login",
            "Sign In",
            "Already a subscriber? Log in",
            "Create a free account to continue reading.",
        ),
        counterexamples=("The login data of 3 million users was stolen, investigators said on Friday.",),
        keys=("already", "continue reading", "unlock", "subscriber", "premium", "log", "sign", "forgot"),
    ),
    LineRule(
        "donation_ask",
        "Donation and membership asks appeal for money.",
        _rx(
            r"^donate\b|\bdonate (?:now|today|here|to us)\b|\bmake a (?:donation|gift)\b"
            r"|\bsupport (?:our|independent|quality|local) (?:journalism|reporting|work|news)"
            r"|\bbecome a (?:patron|supporter|member)\b|\bchip in\b|\bpatreon\b|\bbuy me a coffee\b"
        ),
        max_words=35,
        examples=("Support independent journalism: donate today.", "Become a patron"),
        counterexamples=(),
        keys=("donate", "make a", "support", "become a", "chip in", "patreon", "coffee"),
    ),
    LineRule(
        "skip_link",
        "Accessibility and page-control links (skip to content, back to top, menus, search boxes).",
        _rx(
            r"^(?:skip to|jump to|back to top|scroll to top|go to top|to top|top of page|toggle|open|close)"
            r"(?: (?:main )?(?:content|navigation|menu|search|footer|sidebar))?\W*$"
            r"|^(?:menu|main menu|navigation|search|search for|search\.\.\.|submit|go|home|more|next|previous"
            r"|prev|back|listen|print|font size|text size|a a a|aa|loading\.*|close menu|open menu|x|×)\W*$"
            r"|^skip to (?:main )?content\b"
        ),
        max_words=6,
        examples=("Skip to content", "Menu", "Search", "Back to top", "Toggle navigation"),
        counterexamples=("Home is where the heart is, she said.",),
    ),
    LineRule(
        "placeholder",
        "Lorem ipsum is a designer's filler text left in an unfinished template block (a tab, a card, a "
        "teaser); no article is written in it, and the filler's own words are what is matched, not an "
        "article's mention of it.",
        _rx(r"\blorem ipsum(?: dolor|\s+\d+\W*$)|\bdolor sit amet\b|^\W*lorem ipsum\W*$"),
        max_words=200,
        examples=(
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.",
            "Lorem Ipsum",
            "- Lorem ipsum 2",
        ),
        counterexamples=("Designers have filled empty layouts with lorem ipsum since the 1960s.",),
        keys=("lorem", "dolor sit"),
    ),
)

_Screen = tuple[str, int, re.Pattern[str] | None, re.Pattern[str] | None, tuple[str, ...]]
_SCREENS: tuple[_Screen, ...] = tuple(
    (rule.name, rule.max_words, *_split(rule), rule.keys) for rule in LINE_RULES
)


def first_rule(line: str, n_words: int) -> str | None:
    """Name of the first rule in `LINE_RULES` whose `matches` is true for the line, or None.

    The same tests as `LineRule.matches`, unrolled over a precomputed table: the cleaner asks this for
    every short line of every page, and the method and cache lookups cost more than the regexes.
    """
    lower = line.lower()
    any_start = _any_start_matches(line)
    for name, max_words, start, anywhere, keys in _SCREENS:
        if n_words > max_words:
            continue
        if any_start and start is not None and start.match(line):
            return name
        if anywhere is None:
            continue
        if keys:
            for key in keys:
                if key in lower:
                    break
            else:
                continue
        if anywhere.search(line) is not None:
            return name
    return None


def first_rules(lines: list[str], n_words: list[int]) -> list[str | None]:
    """`first_rule` of every line of a page at once: the rules' keys are looked for in the page's
    lower-cased text, key by key (`str.find` over the page), instead of line by line. Every unanchored
    alternative of every rule needs one of its rule's keys, so a line holding no key whose start
    alternatives do not match (nearly every line) is decided without entering the rule loop."""
    out: list[str | None] = [None] * len(lines)
    candidates = [i for i, words in enumerate(n_words) if words <= _LONGEST]
    if not candidates:
        return out
    lowers = [lines[i].lower() for i in candidates]
    keyed = _lines_holding_keys(lowers)
    holding: set[int] = set().union(*keyed.values())
    for k, i in enumerate(candidates):
        line = lines[i]
        any_start = _any_start_matches(line)
        if not any_start and k not in holding and _ALL_LOOSE_KEYED:
            continue
        words = n_words[i]
        for name, max_words, start, anywhere, keys in _SCREENS:
            if words > max_words:
                continue
            if any_start and start is not None and start.match(line):
                out[i] = name
                break
            if anywhere is None or (keys and k not in keyed[name]):
                continue
            if anywhere.search(line) is not None:
                out[i] = name
                break
    return out


_LONGEST = max(rule.max_words for rule in LINE_RULES)
_ALL_LOOSE_KEYED = all(keys for _, _, _, anywhere, keys in _SCREENS if anywhere is not None)
"""Every rule with unanchored alternatives has keys (true of `LINE_RULES`): only then can a line holding
no key skip the rule loop."""


def _lines_holding_keys(lowers: list[str]) -> dict[str, set[int]]:
    """For each rule with keys, the lines (indices into `lowers`) holding one of them. Keys hold no
    newline, so an occurrence in the joined text lies inside one line."""
    page = "\n".join(lowers)
    starts = []
    at = 0
    for text in lowers:
        starts.append(at)
        at += len(text) + 1
    found: dict[str, set[int]] = {}
    out: dict[str, set[int]] = {}
    for name, _, _, _, keys in _SCREENS:
        if not keys:
            continue
        lines: set[int] = set()
        for key in keys:
            if key not in found:
                found[key] = _occurrences(page, key, starts)
            lines |= found[key]
        out[name] = lines
    return out


def _occurrences(page: str, key: str, starts: list[int]) -> set[int]:
    """Lines of `page` (by their start offsets) holding `key`."""
    lines: set[int] = set()
    end = len(page)
    at = page.find(key)
    while at >= 0:
        line = bisect_right(starts, at) - 1
        lines.add(line)
        following = starts[line + 1] if line + 1 < len(starts) else end
        at = page.find(key, following)
    return lines


def _any_start() -> re.Pattern[str]:
    """Every rule's start-anchored alternatives in one pattern: most lines match none of them, and one
    regex call tells so instead of one per rule."""
    starts = [start for _, _, start, _, _ in _SCREENS if start is not None]
    flags = {start.flags for start in starts}
    assert len(flags) == 1, "start patterns with different flags cannot share one regex"
    return re.compile("|".join(f"(?:{start.pattern})" for start in starts), flags.pop())


_ANY_START = _any_start()


def _any_start_matches(line: str) -> bool:
    """`_ANY_START.match(line) is not None`, cheaper: a line starting with an ASCII character is matched
    against only the start alternatives that can begin with it (`_START_BY_CHAR`), and the alternatives
    that can begin with anything only when the line holds a character they need. The combined pattern
    costs about 3 us a line, as much as all other rule tests together, and almost no line matches it."""
    first = line[:1]
    if not first or first >= "\x80":
        return _ANY_START.match(line) is not None
    screened = _START_BY_CHAR[first]
    if screened is not None and screened.match(line) is not None:
        return True
    for needs, pattern in _START_UNSCREENED:
        if (not needs or any(c in line for c in needs)) and pattern.match(line) is not None:
            return True
    return False


_Firsts = tuple[frozenset[str], frozenset[int]] | None
"""Characters and `re` categories (\\d, \\s, \\w) a pattern's match can begin with; None: anything, or
the pattern can match the empty string."""
_CATEGORY_PATTERNS = {
    _sre_constants.CATEGORY_DIGIT: re.compile(r"\d"),
    _sre_constants.CATEGORY_SPACE: re.compile(r"\s"),
    _sre_constants.CATEGORY_WORD: re.compile(r"\w"),
}


def _firsts(items: list) -> tuple[_Firsts, bool]:
    """(`_Firsts` of a parsed sequence, whether it can match the empty string). Conservative: any node it
    does not know (negated classes, ranges, other categories, back references) makes it None."""
    chars: set[str] = set()
    categories: set[int] = set()
    for op, arg in items:
        found, empty = _node_firsts(op, arg)
        if found is None:
            return None, False
        chars |= found[0]
        categories |= found[1]
        if not empty:
            return (frozenset(chars), frozenset(categories)), False
    return (frozenset(chars), frozenset(categories)), True


def _node_firsts(op: object, arg: object) -> tuple[_Firsts, bool]:
    c = _sre_constants
    if op is c.LITERAL:
        return (frozenset({chr(arg)}), frozenset()), False  # type: ignore[arg-type]
    if op is c.IN:
        chars, categories = set(), set()
        for kind, value in arg:  # type: ignore[attr-defined]
            if kind is c.LITERAL:
                chars.add(chr(value))
            elif kind is c.CATEGORY and value in _CATEGORY_PATTERNS:
                categories.add(value)
            else:
                return None, False
        return (frozenset(chars), frozenset(categories)), False
    if op is c.BRANCH:
        chars, categories, empty = set(), set(), False
        for alternative in arg[1]:  # type: ignore[index]
            found, can_be_empty = _firsts(alternative)
            if found is None:
                return None, False
            chars |= found[0]
            categories |= found[1]
            empty |= can_be_empty
        return (frozenset(chars), frozenset(categories)), empty
    if op is c.SUBPATTERN:
        return _firsts(arg[3])  # type: ignore[index]
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _, body = arg  # type: ignore[misc]
        found, empty = _firsts(body)
        return found, found is not None and (empty or low == 0)
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return (frozenset(), frozenset()), True  # zero-width: ignoring a condition only lets more through
    return None, False


def _needs(items: list) -> frozenset[str]:
    """Caseless characters one of which every match of the parsed sequence holds (empty when none is
    found): the first literal or literal class met, looking inside groups and repeats of at least one."""
    c = _sre_constants
    for op, arg in items:
        if op is c.LITERAL or op is c.IN:
            members = [(c.LITERAL, arg)] if op is c.LITERAL else arg
            chars = {chr(v) for k, v in members if k is c.LITERAL}
            if len(chars) == len(members) and all(_caseless(ch) for ch in chars):
                return frozenset(chars)
        elif op is c.SUBPATTERN:
            found = _needs(arg[3])
            if found:
                return found
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            found = _needs(arg[2])
            if found:
                return found
    return frozenset()


def _caseless(ch: str) -> bool:
    """No other character matches `ch` under IGNORECASE: it is not a letter and has no case forms."""
    return not ch.isalpha() and ch.lower() == ch == ch.upper()


def _ascii_matches(x: str, flags: int) -> frozenset[str]:
    """The ASCII characters a pattern of the one character `x` matches, asked of `re` itself (case
    folding included)."""
    pattern = re.compile(re.escape(x), flags)
    return frozenset(chr(c) for c in range(0x80) if pattern.fullmatch(chr(c)))


def _can_begin(firsts: _Firsts, ch: str, flags: int, folds: dict[str, frozenset[str]]) -> bool:
    """Whether a match described by `firsts` can begin with the ASCII character `ch`; `folds` memoizes
    `_ascii_matches`."""
    if firsts is None:
        return True
    chars, categories = firsts
    for x in chars:
        if x not in folds:
            folds[x] = _ascii_matches(x, flags)
        if ch in folds[x]:
            return True
    return any(_CATEGORY_PATTERNS[k].fullmatch(ch) for k in categories)


def _start_tables() -> tuple[dict[str, re.Pattern[str] | None], list[tuple[frozenset[str], re.Pattern[str]]]]:
    """(for each ASCII character, the start alternatives that can begin with it, as one pattern; the
    alternatives that can begin with anything, each with the characters it needs)."""
    flags = _ANY_START.flags
    screened: list[tuple[str, _Firsts]] = []
    unscreened: list[tuple[frozenset[str], re.Pattern[str]]] = []
    for _, _, start, _, _ in _SCREENS:
        if start is None:
            continue
        for alternative in top_level_alternatives(start.pattern):
            parsed = _sre_parser.parse(alternative, flags)
            firsts, empty = _firsts(list(parsed))
            if firsts is None or empty:
                unscreened.append((_needs(list(parsed)), re.compile(alternative, flags)))
            else:
                screened.append((alternative, firsts))
    by_char: dict[str, re.Pattern[str] | None] = {}
    compiled: dict[tuple[str, ...], re.Pattern[str]] = {}
    folds: dict[str, frozenset[str]] = {}
    for code in range(0x80):
        ch = chr(code)
        chosen = tuple(a for a, firsts in screened if _can_begin(firsts, ch, flags, folds))
        if chosen and chosen not in compiled:
            compiled[chosen] = re.compile("|".join(f"(?:{a})" for a in chosen), flags)
        by_char[ch] = compiled[chosen] if chosen else None
    return by_char, unscreened


_START_BY_CHAR, _START_UNSCREENED = _start_tables()


_PRICE = r"[$€£¥₹₿]\s?\d[\d,.]*|\d[\d,.]*\s?[$€£¥₹]"
_PCT = r"[+\-−]?\d+(?:[.,]\d+)?\s?%"
_TICKER = r"\b[A-Z]{2,6}\b"
WIDGET_VALUE = re.compile(
    rf"^(?:.{{0,30}}\s)?(?:{_PRICE}|{_PCT}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+\.\d+|[+\-−]\d+(?:[.,]\d+)?|\d+\s?[-–:]\s?\d+|\d+(?:[.,]\d+)?\s?°[CF]?)"
    rf"(?:\s.{{0,20}})?$"
)
"""A line whose core is a number a widget shows: a price, a percentage, a signed change, a score,
a temperature.
"""

WIDGET_LABEL = re.compile(rf"^(?:{_TICKER}|[\w.&' -]{{1,24}})$")
"""A short label a widget puts next to its numbers (a coin name, a ticker, a team)."""


@dataclass(frozen=True, slots=True)
class BlockRule:
    """A rule that judges a run of consecutive short paragraphs together (widgets, menus)."""

    name: str
    why: str
    min_run: int
    min_value_share: float
    examples: tuple[tuple[str, ...], ...] = field(default=())
    counterexamples: tuple[tuple[str, ...], ...] = field(default=())


PRICE_WIDGET = BlockRule(
    "price_widget",
    "Tickers, market tables, sports scores and weather boxes: a run of short lines in which many lines are "
    "prices, percentages, signed changes or scores and the rest are short labels. Judged as a block because "
    "each label alone ('Bitcoin') says nothing, while the run says 'widget'.",
    min_run=6,
    min_value_share=0.3,
    examples=(
        (
            "Latest Market Prices",
            "Bitcoin",
            "Bitcoin",
            "$113,422.41",
            "BTC 0.10%",
            "Ethereum",
            "Ethereum",
            "$4,157.53",
            "ETH -0.33%",
        ),
        ("Dow", "44,175.61", "+0.5%", "Nasdaq", "21,450.02", "-0.3%", "S&P 500", "6,389.45", "+0.1%"),
    ),
    counterexamples=(
        (
            "The index rose 2% on Monday.",
            "Analysts expected a smaller gain after weak data.",
            "Oil fell 1% to $80.",
            "Gold was flat.",
            "The dollar rose against the yen.",
            "Bonds were steady.",
        ),
    ),
)

_NAME_WORD = r"(?:[A-ZÀ-Þ][\w.'’\-]*|de|van|von|der|den|da|di|du|la|le|del|bin|al|ter)"
_NAME = rf"[A-ZÀ-Þ][\w.'’\-]*(?:\s+{_NAME_WORD}){{0,3}}"
BYLINE = re.compile(
    r"^(?i:by|written by|words by|story by|posted by|author:?|von|par|por|di|door|av|af)\s+"
    rf"(?P<name>{_NAME}(?:\s+(?:and|&|und|et|y|e)\s+{_NAME}){{0,2}})"
    r"(?:\s*[,|–—-]\s*(?P<role>[^|]{0,60}))?$",
)
"""'By Jane Doe' (optionally ', Staff Writer'): the byline names the author and leaves the body."""

AGENCY_MARK = re.compile(r"^(?:[A-ZÀ-Þ][\w.,'’ /-]{0,60}\s)?\((?P<site>[A-Z][\w.&' -]{0,30}?)\)\s*[-–—]")
"""'(Reuters) -' or 'WASHINGTON (AP) —' at the start of the first paragraph: the line stays, the
site is noted.
"""

AUTHOR_SITE_MARK = re.compile(
    rf"^\((?P<author>{_NAME}),\s*(?P<site>[A-Z0-9][\w.&'’-]*(?:\s[A-Z0-9][\w.&'’-]*){{0,3}})\)\s+\S"
)
"""'(Dave DeCamp, Antiwar.com) President ...': author and site open the first paragraph; the line stays."""

POST_FOOTER = re.compile(r"^the post (?P<title>.+) (?:appeared|was published) first on (?P<site>.+?)\.?$", _I)
"""WordPress RSS footer: gives the title and the site."""

APPEARED_FOOTER = re.compile(
    r"^(?:this|the) (?:article|story|post|piece) (?:was )?(?:originally |first )?(?:appeared|published|posted"
    r"|ran)"
    r" (?:at|on|in|by) (?P<site>.+?)\.?$",
    _I,
)
"""'This article originally appeared at SITE.': gives the site."""


_BULLET = re.compile(r"^[o+*\-•◦]\s+")
"""A list bullet a converter left in front of a marker (inscriptis nests lists as "*", "+", "o")."""


@dataclass(frozen=True, slots=True)
class SectionRule:
    """A rule that finds a section of the page by the markers that recur in it (a comment thread) and
    drops the section as a whole, the text between the markers included."""

    name: str
    why: str
    markers: tuple[tuple[str, re.Pattern[str]], ...]
    """(kind, pattern) pairs; a line (at most `max_marker_words` words) is a marker of the first kind that
    matches."""
    max_marker_words: int
    min_markers: int
    min_kinds: int
    max_gap: int
    """Markers at most this many lines apart belong to one section."""
    tail: int
    """Lines after the last marker that still belong to the section (the last comment's text)."""
    name_before: re.Pattern[str] | None = None
    """A line matching this just before a `stamp` marker is a commenter's name (a marker of kind `name`):
    comment themes that print no "says:" show the name above the timestamp. Names count only when a
    section holds at least two different ones (a live blog repeats one author or none)."""
    examples: tuple[tuple[str, ...], ...] = field(default=())
    counterexamples: tuple[tuple[str, ...], ...] = field(default=())

    def marker(self, line: str) -> str | None:
        if len(line.split()) > self.max_marker_words:
            return None
        line = _BULLET.sub("", line)
        for kind, pattern in self.markers:
            if pattern.match(line):
                return kind
        return None


_TIME = r"\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?"
COMMENT_SECTION = SectionRule(
    "comment_section",
    'A reader comment thread: each comment carries the same furniture ("NAME says:", a timestamp, a reply '
    "or report control, a score, the commenter's name above the timestamp), so three or more such markers of "
    "at least two kinds close together mark "
    "the thread, and the comments' own text between them goes with it. A live blog repeats timestamps only "
    "(one kind), and a thread that is the whole page (no article prose before it) is kept.",
    markers=(
        (
            "control",
            _rx(
                r"^(?:reply|reply to (?:this|comment|this comment)|reply to this share"
                r"|report(?: comment| abuse| this)?|flag(?: as inappropriate)?|permalink|quote"
                r"|(?:\d+\s+)?(?:likes?|upvotes?|votes?))"
                r"\W*$"
            ),
        ),
        (
            "says",
            _rx(
                r"^(?:by\s+)?[\w.'’@ ()-]{1,60}?\s(?:says|said|wrote|writes|commented)\s*:?\s*$"
                r"|^by\s+\S[^:]{0,60}?\s(?:writes|wrote):"
                r"|^by\s+\S[^()]{0,60}?\(\s*\d{5,}\s*\)"
            ),
        ),
        ("score", _rx(r"^.{0,100}\(\s*score:\s*-?\d+[^)]*\)\s*$")),
        (
            "stamp",
            _rx(
                rf"^[\w,./ -]{{0,30}}\b(?:19|20)\d\d\b[\w,./ -]{{0,6}}(?:at|@|,|-)?\s*{_TIME}\s*$"
                r"|^\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\W*$"
            ),
        ),
    ),
    max_marker_words=14,
    min_markers=3,
    min_kinds=2,
    max_gap=8,
    tail=3,
    name_before=_rx(r"^(?:\d{1,4}[.)]\s+)?@?[^\W\d][\w.'’-]*(?: [^\W\d][\w.'’-]*){0,3}$"),
    examples=(
        (
            "Jane Roe says:",
            "July 14, 2015 at 3:53 pm",
            "Great recipe, I tried it last week and it worked.",
            "Reply",
            "John Doe says:",
            "July 17, 2015 at 8:28 am",
            "Thanks for sharing this.",
            "Reply",
        ),
        (
            "Emma",
            "December 18, 2025, 9:59 pm",
            "I know what you mean; I fell in love with the book despite the changes.",
            "Max Battcher",
            "December 18, 2025, 10:02 pm",
            "The sequel is the only good one and it is best to pretend the film does not exist.",
        ),
        (
            "1. Emma",
            "December 18, 2025, 9:59 pm",
            "I know what you mean; I fell in love with the book despite the changes.",
            "2. Max Battcher",
            "December 18, 2025, 10:02 pm",
            "The sequel is the only good one and it is best to pretend the film does not exist.",
        ),
    ),
    counterexamples=(
        (
            "1. Jane Roe",
            "December 18, 2025, 10:02 am",
            "The minister arrived at the summit.",
            "2. Jane Roe",
            "December 18, 2025, 10:15 am",
            "Talks began behind closed doors.",
        ),
        (
            "10:02 am",
            "The minister arrived at the summit.",
            "10:15 am",
            "Talks began behind closed doors.",
            "10:40 am",
            "Protesters gathered outside.",
        ),
        (
            "Jane Roe",
            "December 18, 2025, 10:02 am",
            "The minister arrived at the summit.",
            "Jane Roe",
            "December 18, 2025, 10:15 am",
            "Talks began behind closed doors.",
        ),
    ),
)
