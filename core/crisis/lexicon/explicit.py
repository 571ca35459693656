"""The explicit families: saying it outright (intent, method, self-harm) and the bare topic
words. Violence is in ``violence.py``.

Chinese drops the subject, so a wish on its own (好想死) counts as the writer's; in a
course, news, film or game context without a first person it becomes review
(``modifiers.py``).
"""
from __future__ import annotations

from core.crisis.lexicon.family import Family

INTENT = Family(
    "intent", "explicit intent",
    """Saying one wants, plans or has decided to die. 我想死, 好想自杀, 打算这周末结束自己的
    生命, 不想活了, 活不下去了, 死了算了, 不如我先自己死了, 有轻生的念头, 想把自己淹死; "I want
    to die", "I'm going to kill myself", "ending it tonight", "better off dead", "I don't
    wanna live anymore", "I'm suicidal", relays such as "he says he wants to kill himself".
    Abbreviations and emoji: 想s, 想zs, 想4了, 想💀, 想去世; "kms" (often a joke: review),
    "ctb" (review). Not here: 想死你了 (I miss you), 不想死 (I don't want to die), "I'm gonna
    die lol".""",
    crisis=(
        "(?<![不没别])<wish>…<die>",
        "(?<![不没别])(好|很|真|就|只|总|老|一直|真的|是真的)?想(去|快点|早点|赶紧|就这样|一个人"
        "|怎么|着怎么|着去)?死(?![机活神党磕线角心板锁循记缠忠宅刑亡你])",
        "(?<![不没别])想(s|zs)(了|啊|呀)?", "(?<![不没别])想4(了|啊)?$",
        "(就|我)(要)?去死(?!吧你)", "结束(自己|我)的?(生命|性命)",
        "不(太|再|怎么|是很)?想(再)?活(了|下去|着|在这个世界上)?(?![动跃泼力儿成得]|在(?!这个世界))",
        "(不想|不愿意|不愿)(再)?(活|活着|活在这个世界上)(了|下去)?(?![动跃泼力儿成得]|在(?!这个世界))",
        "活不下去", "活不到(明天|下周|下个月|下学期|期末|毕业|明年)", "活够了", "一心求死",
        "死了算了", "(不如|还不如|干脆)…死(了|掉)(算了)?(?![机])",
        "(有|产生|冒出)(了)?…(轻生|自杀|寻死|想死|去死)的(念头|想法|打算|冲动)",
        "(自杀|轻生|想死|zs|qs|紫砂|自鲨|寻死)的(念头|想法|冲动)(越来越|一直|总是|又|压不下去|每天)",
        "(i )?<want>…<die_en>", "(i )?<want>…<kill_self>", "(i )?<going>…<kill_self>",
        "kill(ing)? (myself|my self|meself|mysef)", "(unaliv|yeet|off)(e|ing)? myself",
        "(im|i am) (done|finished)$ (ending it|end it)", "ending it (all|<tonight>)",
        "wish (i|id) (was|were|had|could be) (dead|died)", "better off dead",
        "better off if i (just )?(died|was dead|were dead|killed myself)",
        "(dont|do not|no longer|never) (want to|wanna) (live|be alive|be here anymore"
        "|go on living|keep living|wake up again)",
        "(cant|can not|cannot) (go on|keep) living", "no reason to (live|keep living|go on"
        "|stay alive)", "(dont|do not|cant) see (a|any) reason to (live|keep living|go on)",
        "nothing (left )?to live for", "not worth living",
        "(im|i am|been|feel(ing)?|getting|gotten) (so |really |very |pretty |kinda |a bit )?"
        "suicidal",
        "(wants?|wanted|going|gonna|plans?|planning|tried|trying|threaten(ed|s|ing)?) (to )?…"
        "kill (him|her|them)sel(f|ves)",
        "(琢磨|研究|查|搜|考虑|计划|盘算|想着|想过|在想|想好)(了)?(怎么|如何|用什么方法|哪种方式|什么方式"
        "|什么时候)(去)?(死|自杀|结束自己|了结|离开这个世界)",
        "(不打算|不准备|不想|不会|没打算)(再)?活(过|到)(这个月|今年|明年|下周|下个月|这学期|下学期|期末|毕业"
        "|生日|明天|这个冬天|这个夏天|过年|这个周末|周末|这周|今晚|<num>岁)",
        "(自杀|zs|qs|轻生|紫砂|自鲨)(的)?(计划|日子|时间|方法|地点)…(定|选|想|找|查|订)",
        "(?<![不没别])<wish>…下线…(永久|永远|人生|不是游戏)", "(i )?(want(s|ed)?|wanna|wish) to (die|be dead)",
        "(这条)?命(我)?(不要了|不想要了)", "我…活腻(了)?(?!歪)", "(让|求求…让)我死(吧|了吧|掉)",
        "(把)…<amount>…(药|安眠药|药片)…(吞|吃|喝)(下去|掉|了|光)", "(想|要|去|就)(tiao|tl)(lou|he|jiang)?$",
        "(not planning on|dont plan on|no plans? (on|of)) (being alive|living|being around|being here"
        "|staying alive)", "^(die|death|to die)$ (thats|that is) (what|all) i want",
        "(i )?(planned|plan|planning|figured out|worked out|decided|know) (how|when|where)"
        " (i|im|ill|to|its|i will|im going to)…(die|do it|end it|kill myself)",
        "(i )?(<want>|<going>)…jump (tonight|today|tomorrow|now|this weekend|off (a|the|this|my)"
        " <high_en>|from (a|the|this|my) <high_en>)",
        "(i )?(really |honestly |just )?(dont|do not|no longer|never) (want|wanna|wish) to"
        " (exist|live|be alive|wake up) (anymore|any more|again)",
        "py:(wo )?(zhen de )?(hao |zhen )?xiang (qu )?si",
        "py:(wo )?(hao |zhen |hen )?xiang zi sha", "py:bu xiang (zai )?huo",
    ),
    review=(
        "生不如死", "活腻(了)?(?!歪)", "(总是|一直|老是|经常)?想(到|着)死", "(人生|生命|这辈子)(的)?那种", "(永久|永远)的那种",
        "不是游戏(里)?(的|那种)", "一次(性)?(吃|吞)(掉|下)?(很多很多|一大把|所有的|全部的)",
        "(thinking|think|thought) about jumping", "(?<![0-9]_)kms", "ctb",
        "(自杀|轻生|想死|zs|qs|紫砂|自鲨|寻死|去死)(的)?(念头|想法|冲动)", "(?<![不没别])<wish>嘎(了|掉)",
        "((永久|永远|人生|彻底)(的)?…下线|下线…(永久|永远|人生|不是游戏))",
        "(想|在想|琢磨|研究|查|搜)(怎么|如何)(才能)?…(结束|了结|离开)(?!.{0,3}(作业|考试|论文|这个|这门|项目|实习))", "(unalive|sewerslide|sewer slide)",
        "(suicidal|suicide|dark) (thoughts|ideation|feelings)",
        "不想(再)?(这样|继续)活(着|下去)", "不想(再)?活得(这么|那么)(累|痛苦|辛苦)", "(不该|不应该|没资格|不配)活(着|在这个世界上)",
        "活不了多久", "没(几天|多久|多少日子)(可)?活", "(如果|要是|假如)我死了",
        "(出个|出一场)?车祸就好了", "(被车撞死|得绝症|一场意外)…(就好了|多好)",
        "(wont|will not|not going to) (make it|be around|be here) (that long|much longer|for long"
        "|to (the end|finals|next week|the weekend))",
    ),
    gap=4,
)

SUICIDE_WORDS = Family(
    "topic_word", "suicide mentioned",
    """The topic named without anyone's intent: 自杀, 轻生, 自尽, 寻短见, 自我了断, 紫砂,
    "suicide", "suicidal", zi sha / zisha (pinyin, where the sender wrote Latin). Review, so
    a student writing about it is seen by the crisis team without paging anyone. With a
    wish or plan (我想自杀) it is intent.""",
    review=("自杀", "轻生", "自尽", "寻短见", "自我了断", "紫砂", "s(u)?icid(e|es|al|ality)",
            "py:zi sha", "py:qing sheng"),
)

METHOD = Family(
    "method", "method",
    """A way of dying, jumping from a height included (``<method>``, ``<jump>``). With a wish, a
    plan or a time, even in the clause before, it is a crisis: 想跳楼, 打算今晚割腕, 我已经决定了，
    今晚就从楼顶跳下去, 我准备明晚去桥上跳, 好想从图书馆顶楼跳下去, 今晚就tiao lou, 想tl,
    今天差点从阳台跳下去, 我刚吞了一整板安眠药;
    "I'm going to jump off the bridge", "I just took a whole bottle of pills". Named on its
    own (跳楼, 割腕, 烧炭, 走进水里, "overdose", "hanged himself") it is review.""",
    crisis=(
        "(?<![不没别])<wish>……<method>", "<soon>……<method>", "(?<![不没别])<plan>(了)?~<method>",
        "(?<![不没别])(<plan>|<wish>)……(去|到|上|爬上|爬到)<high>……(跳(?![绳舞远高操伞])|下去|一跃)",
        "(?<![不没别])(想|好想|真想|很想|打算|准备|恨不得)……跳下去",
        "(差点|差一点)……(跳下去|跳楼|跳河|割腕|割脉|自杀|吞药|上吊)",
        "(已经|刚|刚才|刚刚|我)?(吞|吃|喝)(了|下|光)…(一整|整|一|几|好几)(瓶|板|盒|把)…(药|安眠药"
        "|药片|农药)",
        "(已经|刚|刚才|刚刚|我)?(吞|吃|喝)(了|下|光)…(好多|很多|几十|一百|所有的)…(药|安眠药|药片)",
        "(吃|吞|喝)(了)?(半瓶|一瓶|整瓶|一整瓶|好多|很多|一把|一大把|<num>片|<num>颗|<num>粒)…(安眠药|药|药片)",
        "(took|swallowed|downed|ate)…((?:[0-9]+)|a bunch of|a lot of|a handful of|way too many) (pills"
        "|tablets|of my (pills|meds))",
        "(just |already |i )?(took|swallowed|downed|ate) (everything|all of (them|my pills|my meds)"
        "|the whole (bottle|box|pack)|all (my|the) (pills|meds|tablets))",
        "<high>~(我)?(会|要|就|准备|打算)跳(的|了|下去)?",
        "(just|already) (took|swallowed|taken|had) (a whole bottle|all|a bottle|a lot"
        "|a bunch|a handful|the whole bottle)( of)?( my)? (pills|meds|tablets|sleeping pills)",
        "(搜|查|百度)(过|了)…(怎么死|死法|自杀方法|自杀的方法|哪种死|怎么自杀)",
        "(i )?(<want>|<going>)…(jump off|hang myself|overdose|slit my|walk into the)",
        "(i )?(<want>|<going>)…(take|swallow|down) (all|all of|every one of|the whole bottle"
        "|a whole bottle|every) (of )?((my|the|those|these) )?(pills|meds|tablets)",
        "py:(xiang|yao|qu|jiu) (tiao lou|ge wan|ge mai)",
    ),
    review=(
        "跳楼(?![价机大甩])", "跳河", "卧轨", "上吊(?![灯])", "割腕", "割脉", "烧炭", "服毒", "<jump>",
        "喝农药", "吞安眠药", "(走|跳)进(水里|江里|河里|海里|湖里)",
        "overdos(e|ed|es|ing)", "hang(ed|ing)? (him|her|my|them)sel(f|ves)",
        "jump(ed|ing)? off (a|the) (bridge|building|roof|cliff)",
        "(already|just) took (some|a lot|too many|all of them|them all)",
        "py:tiao lou", "py:ge (wan|mai)", "从(几|多少|多高)(楼|层)…(掉|跳|摔)下",
        "(搜|查|百度|谷歌)…(几楼|多高|致死量|多少片|怎么死|会不会死|死得快)",
        "(looked up|googled|searching|searched|researching) (how (long|much|many|high)|the (dose|dosage)"
        "|lethal|painless)",
    ),
)

SELF_HARM = Family(
    "self_harm", "self-harm",
    """Hurting oneself on purpose. Ongoing or wanted it is a crisis: 我又开始自残了, 昨天又割了
    自己, 忍不住划自己, 想🔪自己, 有zc的冲动, "I've been self harming again", "I cut myself",
    "s/h relapse". Named on its own (自残, "self-harm") or "hurt myself" (often an accident)
    it is review.""",
    crisis=(
        "(?<!被)又(割|划)(了)(?![水韭草麦])", "(划|割)(得)?(很|好|特别|太)深", "(deeper|worse) this time",
        "(doing|did|done|been doing|relapsed on) (s h|sh|self harm) again", "^(cut|cutting|burned) again",
        "(又|又开始|开始|一直|还在|忍不住|经常|偷偷|昨天|昨晚|刚才|刚刚|今天|我)…(自残|zc|割(了)?自己"
        "|划(了)?自己|伤害自己|拿刀划|烫自己)",
        "(刀片|小刀|刀|美工刀)?(划|割)(了|伤了|破了)?(手腕|手臂|胳膊|大腿)",
        "(拿|用)(烟头|打火机|刀|刀片|圆规|针|小刀|美工刀)…(烫|划|割|扎|戳)(了)?(自己|手|胳膊|腿|手腕)",
        "(又|忍不住|一直|还在|偷偷)(在)?(划|割)(了)?手",
        "(?<![不没别])<wish>…(自残|伤害自己|割自己|划自己|zc)", "(有|想)…zc(的)?(冲动|念头)?",
        "harm(ed|ing|s)? myself", "(cut|burned|burnt|hurt) myself (again|on purpose|every)",
        "(been|keep|kept|started|start|still) (cutting|burning|scratching) myself",
        "(been|started|start|keep|kept|still|i) self harm(ing)?", "self harm(ed)? again",
        "(s h|sh|self harm|cutting) relapse", "relapsed (on|into|with) (self harm|cutting)",
        "(been|started|start|keep|kept|still) (cutting|hurting|burning) (myself|again"
        "|my (arms?|wrists?|legs?|thighs?|skin))",
        "(i )?<want>…(hurt|cut|harm|burn) myself", "(i )?<want>…(cutting|cut|burning|hurting) again",
    ),
    review=("自残", "自伤", "self (harm|harming|injury|injure|injuring)", "hurt(ing)? myself",
            "血(止不住|一直流|流了好多)", "(胳膊|手臂|手腕|腿)上(全是|都是|好多)(伤|疤|口子|血)?",
            "(arms?|wrists?|legs?|thighs?) (are|is) (a mess|covered|all cut|full of cuts)",
            "(cut|cutting|cuts|burn(ed|ing|s)?|scratch(ed|ing)?) myself",
            "(cut|cutting|burn(ed|ing)?|scratch(ed|ing)?|hit(ting)?|punch(ed|ing)?) my (arms?"
            "|wrists?|legs?|thighs?) (again|on purpose|until)",
            "py:zi can"),
)

FAMILIES = (INTENT, SUICIDE_WORDS, METHOD, SELF_HARM)
