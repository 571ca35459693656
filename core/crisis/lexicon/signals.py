"""Weak signals: exhaustion, hopelessness, worthlessness, loneliness, low mood.

A weak signal gives no verdict on its own: most students who write 好累 or 崩溃了 are tired,
not in danger. It raises the chat's risk level to 1 for ``[crisis] risk_hours``, so that a
later follow-up (药我已经攒够了, 今晚就去; ``followup.py``) is read in its light. The lists
are broad on purpose: a false weak signal costs nothing until a follow-up comes.
"""
from __future__ import annotations

from core.crisis.lexicon.family import Family

_VERY = "(好|太|真|心|真的|真的好|真的太|特别|超级|非常|很|好好|越来越|实在|已经)"

EXHAUSTION = Family(
    "exhaustion", "exhaustion",
    """Worn out, at the end of one's strength. 好累, 心好累, 撑不住了, 撑不下去, 崩溃了, 受不了了,
    熬不下去了, 到极限了, 喘不过气; "I'm so tired of everything", "I can't take it anymore", "I
    can't keep pretending", "I'm at my limit".""",
    weak=(
        _VERY + "累(了|啊)?(?![死])", "累了$", "撑不(住|下去|动)", "坚持不(住|下去)", "熬不(住|下去|动)",
        "崩溃", "受不了(了)?", "受够了", "不想再这样(下去)?(了)?", "身心俱疲", "心力交瘁", "精疲力尽", "扛不(住|下去)", "顶不住", "快疯了",
        "撑了(好久|很久|太久)", "忍了(好久|很久|太久)", "不想再(疼|痛|撑|忍|坚持|努力|挣扎)(了)?",
        "连活着都", "(到|到了)(极限|尽头)", "喘不过气", "(好|太|真的)疲惫", "(撑|扛|熬)不动了",
        "(so|really|very|honestly|just) (tired|exhausted|drained|worn out)( of (everything|it all"
        "|life|this|trying|fighting))?", "(cant|cannot) take (it|this) (anymore|any more)",
        "(cant|cannot) do this (anymore|any more)", "breaking down", "falling apart",
        "(cant|cannot) cope", "exhausted (of|with) (everything|life)",
        "(cant|cannot) keep (pretending|going)", "(im|i am) (so |just |really )?done$", "(im|i am|i feel|feeling) (so|really|very|just|always)"
        " tired", "at my (limit|breaking point)", "(cant|cannot) (breathe|hold on|handle (it|this))",
        "tired of (fighting|trying|pretending|everything)", "running on empty",
    ),
)

HOPELESSNESS = Family(
    "hopelessness", "hopelessness",
    """Seeing no way forward. 绝望, 看不到希望, 没希望了, 看不到未来, 没救了, 什么都没意思, 好不起来了,
    走投无路; "I feel hopeless", "nothing will ever get better", "there's no way out".""",
    weak=(
        "绝望", "看不到(希望|未来|出路|尽头|头)", "没(有)?(希望|未来|出路)(了)?", "没救了", "什么都没意思",
        "找不到(活着的)?(理由|意义)", "(好|变)不起来(了)?", "(不会|永远不会)(再)?好(起来)?了", "走投无路",
        "无路可走", "(一切|全)都完了", "我完了", "(人生|我)(已经)?毁了", "一眼望(得)?到头", "没盼头",
        "hopeless", "no (hope|way out|future)", "(nothing|it) (will|is ever going to) (ever )?get"
        " better", "never (going to|gonna) get better", "(nothing|it) (ever )?gets better", "never gets better", "(cant|cannot|dont) see (any|a) future",
        "(i have|ive got) nothing (left|now)", "nothing feels right", "(whats|what is) the use",
        "(its|it is) (all )?over for me", "no way (out|forward)", "(always|only) get(s|ting)? worse",
        "(真的|根本|都)?没用(的)?$", "(没法|不知道怎么|不知道该怎么)(跟|和|向)(家里|爸妈|父母|家人|我爸|我妈)交代",
        "(上次|上回)(没|没有)(成功|死成)", "(theres )?no fixing (me|this|it)", "(i )?tried (last|before|once)"
        "(?!_?(week|time|semester)_?(to|and))", "(ive|i have) been planning (it|this)",
    ),
)

WORTHLESSNESS = Family(
    "worthlessness", "worthlessness",
    """Thinking oneself worth nothing. 我好没用, 我真没用, 我是废物, 一无是处, 我不配, 我什么都做
    不好, 让所有人失望, 他们说当初就不该生我; "I'm worthless", "I'm useless", "I hate myself", "I
    ruin everything".""",
    weak=(
        "我(好|真|太|就是|真的|真的好|这么)?没用", "(我是|我就是|我真是)(个)?(废物|垃圾|失败者|笑话|累赘)",
        "一无是处", "我不配", "什么都做不好", "不该生我", "我是多余的", "讨厌(我)?自己", "恨(我)?自己",
        "一团糟", "(让|叫)(所有人|大家|爸妈|家里|他们)(都)?失望", "对不起(所有人|大家|爸妈|他们)",
        "(我)?(好|真|太)失败", "(我)?(一直|总是)(是)?多余", "(没人|谁都不会)(喜欢|要)我",
        "(im|i am|i feel|i feel like) (so |such |just |a total |a complete )?(a )?(worthless|useless"
        "|failure|disappointment|pathetic|mistake|loser)",
        "i hate (myself|who i am|everything about me|my life|everything|it all)", "(im|i am) (a )?waste of space",
        "(messed|screwed) up everything", "i ruin everything", "failed everything",
        "ashamed of me", "(nobody|no one) (likes|wants) me",
    ),
)

LONELINESS = Family(
    "loneliness", "loneliness",
    """Having no one. 好孤独, 没人在乎我, 没有人关心我, 没人理解我, 一个朋友都没有, 被孤立, 没人会想
    我的; "I'm so lonely", "no one cares about me", "nobody wants me around".""",
    weak=(
        "(好|很|真|太)?(孤独|孤单)", "没(有)?(人|一个人)(在乎|关心|理解|在意|需要|会想|会在乎|想|管)我",
        "想去找(她|他|<kin>)", "不想(再)?回(那个)?家", "没(有)?人(会)?(在乎|在意|关心)(的)?$",
        "一个朋友都没有", "没有朋友", "被…孤立", "没(有)?人(疼|爱)我", "都不要我", "没人会想我",
        "(so|really|very) (lonely|alone)", "(no one|nobody) (cares|would care|would notice"
        "|would miss|loves|understands|wants me|would even)", "i have no one", "(completely|all)"
        " alone", "(nobody|no one) would even (care|notice)", "no one (to talk to|left)",
    ),
)

LOW_MOOD = Family(
    "low_mood", "low mood",
    """Sadness, emptiness, numbness, crying, sleeplessness, dark thoughts. 好难受, 一直在哭,
    控制不住, 我感觉好空, 失眠, 抑郁, 脑子里全是那些事; "I just feel empty", "been crying all day",
    "I've been so low", "dark thoughts", "I'm not okay".""",
    weak=(
        "(好|真的好|太|很)难受", "(一直|总是|每天|天天|又)(在)?(哭|想哭)", "控制不住", "(好|很)空", "空虚",
        "麻木", "(每天|一直|总是)?失眠", "(好久|一直|几天|很久)没(睡着|睡好|睡过)", "抑郁", "好痛苦",
        "活着(好|太|真|真的|很)?(痛苦|难|辛苦)", "(好|真的|很)(害怕|怕)", "脑子里(全|都)是", "(心|心里)(好|很)(痛|疼|堵)", "(想到|一想到)…(活着|明天)…(害怕|怕|难受|绝望)",
        "(一直|总|老是)(在)?想(那件事|那个事)", "(世界|老天|生活)对我(太|好|真)?不公平", "(钱|心血)(都)?花在我身上", "(都是|全是)我的错",
        "(feel|feeling) (so )?(empty|numb|broken)", "(been )?crying all (day|night)",
        "(so|really) low", "dark thoughts", "(im|i am|ive) not (been )?(okay|ok)", "havent been (okay|ok)",
        "everything hurts",
        "(cant|cannot) sleep", "(my )?head is (so )?(loud|heavy)", "(so|really) (depressed|down)",
        "(the|these|those|my|dark) thoughts (never|keep|are getting|wont|are really|are so)",
        "(keep|kept|keeps) thinking (about|of) (the|that) (bridge|roof|river|lake|pills|rope|tracks)",
    ),
)

FAMILIES = (EXHAUSTION, HOPELESSNESS, WORTHLESSNESS, LONELINESS, LOW_MOOD)
