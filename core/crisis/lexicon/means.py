"""The preparation families of means and place: hoarding what one could die by, and being at
a height.

Both are ``followup`` families (``preparations.py`` says what that means). Hoarding pairs
any means word (``<means>``: pills, charcoal, rope, blades...) with a collecting, buying or
"enough" word; a height pairs a high place (``<high>``: a roof, a bridge, a window, a
ledge) with being there, looking down or the wind. A plan or a time with jumping from a
height is a crisis (``explicit.py``, method).
"""
from __future__ import annotations

from core.crisis.lexicon.family import Family

#: a harmless purpose after charcoal, rope, blades (烧烤, 晾衣服, "for the bbq")
_PURPOSE = ("(?!.{0,12}(?<!不是用来)(烧烤|烤肉|火锅|烤串|野炊|露营|晒|晾|捆|绑|搬家|打包|跳绳|刮胡子|攀岩|爬山|登山"
            "|剃须|美工|手工|做饭))")
#: a roof bar, a party, coffee on the balcony, traffic on the overpass
_LEISURE_EN = ("(?!_?(bar|terrace|party|garden|pool|restaurant|cinema|deck|club))(?!.{0,24}(having|drinking"
               "|coffee|party|smoking|with_(my_)?friends|bbq|sunbathing|reading|studying|traffic|stuck"
               "|driving|bus|view))")
_PURPOSE_EN = "(?!.{0,24}(bbq|barbecue|grill|camping|climbing|the_gym|a_project|crafts|shaving))"

HOARD_MEANS = Family(
    "hoard_means", "hoarding means",
    """Collecting what one could die by. 攒了好几个月的安眠药, 药我一直偷偷存着差不多够了, 每次开药
    都留一点, 囤了安眠药, 木炭已经买好了, 网上下单了两包木炭, 藏了一瓶百草枯, 买了一根很结实的绳子,
    分开几家药店买的; "I've been stockpiling my meds", "got enough pills now", "bought some
    rope", "counted the pills, should be enough". Without a stated purpose it is review;
    after earlier distress a crisis. Cues: 我手边有一整瓶, 刀片就在抽屉里, "the blade's right
    here". Not here: 医生开了安眠药, 买了木炭准备烧烤, 绳子买好了明天晒被子, "bought charcoal for
    the bbq", "stockpiled snacks".""",
    review=(
        "<hoard>(了|着|够|足|齐|好|下|起来|得差不多|了好久|了很久|了好几个月)?……<means>",
        "<means>……(攒|存|囤|藏|收集|凑|积攒)(着|了|够|好|齐|足|起来|得差不多|下来)",
        "(药|安眠药|药片|刀片)…(准备|买|备|凑)(够|好|齐|足|得差不多)(了)?", "攒(得)?(差不多|够|足)了",
        "(买|备|准备|下单|网购|入手|拿到|弄到|搞到|订)(了|好|到)?……<means_buy>" + _PURPOSE,
        "<means_buy>…(已经)?(买好|准备好|备好|到手|买到|到了|到货|买齐)" + _PURPOSE,
        "(有|拿到了|买到了|藏了|存了|攒了)<amount>(安眠药|药|药片)", "(分开|分)(几|好几)家(药店)?买", "好几家药店",
        "(买了|攒了|存了|囤了)(好几|几)(盒|瓶|板)", "(开药|拿药|配药)…(都)?(留|攒|存|藏)(一点|一些|几片|下来)",
        "(把)…(安眠药|药|农药)…(都|全)?(拿|偷|藏)(来|走|起来|了)", "<means>…(够了|足够|应该够|够用了|差不多够)",
        "(<hoard_en>) (up )?(my |some |enough |a lot of |all my |all the |extra )?<means_en>",
        "<means_en>…(saved|stashed|stockpiled|hidden|ready|lined up|counted|collected)",
        "(have|got|ive got|i have|now have|finally have) enough (pills|meds|tablets|sleeping pills"
        "|painkillers)", "enough (pills|meds|tablets) (to|saved|now|stashed)", "pills are ready",
        "(bought|buying|ordered|got|picked up|purchased) (some |a |the |a bag of |a length of )?"
        "<means_buy_en>" + _PURPOSE_EN, "count(ed|ing)? (the|my|all the) (pills|meds|tablets)",
        "(bottles|boxes|packs) of (pills|sleeping pills|painkillers|tylenol)",
        "(不同的|几家|好几家|各个|每家|不同)(药店|医院|诊所)", "把(那些|它们)(都|全)(吃|吞)(了|掉)",
        "(跟|和|对)(室友|家人|爸妈|别人|他们|店员|老板)(说|讲)(是|要)…(烧烤|晾|晒|绑|搬家)",
        "不是(用来)?(烧烤|晾|晒|绑|搬家|野炊|露营)", "(not|isnt|wasnt|arent|im not) (for|having|going)"
        " (a |the )?(bbq|barbecue|camping|climbing|grill)", "(different|another|multiple|several)"
        " (pharmacy|pharmacies|drugstores?|doctors?|clinics?)", "so they (wouldnt|wont|dont) ask",
        "where the (rope|pills|blade|gun|knife|meds) (is|are)", "(攒|存|囤|藏)(了)?(一抽屉|一大把|一大堆|一箱|好几瓶|好几盒|好多)",
        "<means>…(留|存|攒|藏|囤)(下来|起来)", "<means>…(数了|数过|算了)~(够了|够)", "(窗户|窗外|阳台)(外面)?…<num>(层|楼)",
        "(have|got|keep|kept|hid|hidden|hiding)…(bag|box|jar|pile|bunch|handful|stash|bottles) of…(pills|meds"
        "|tablets|sleeping pills|painkillers)", "(hid|hidden|hiding) (it|them|the (blade|pills|rope|knife))",
        "(bought|buying|ordered|got|picked up|purchased)…(new |sharp )(blade|razor|rope|knife)",
        "(climbed|climbing) (up )?(to|onto|on) the <high_en>" + _LEISURE_EN, "(wind|breeze)…up here", "how (many|much) (it would|itd|it will|would it|it takes|does it) take",
        "(多少|几)(片|颗|粒)(才)?(会|能|够|致死|致命)", "(window|roof door|rooftop door|door to the roof)…(opens|unlocked"
        "|is open|was open)", "(安眠药|药|农药|百草枯)…(被我)?(偷偷)?(拿|偷|藏|装)(了)?(一瓶|一盒|几盒|几瓶|好多"
        "|一些|几片)", "(窗户|天台|楼顶|顶楼|屋顶)(的门)?…(能打开|可以打开|打得开|没锁|能上去|上得去)",
        "<water>~(水)?(挺|好|很|真)?(深|黑|凉|冷|急)", "(from|on) the <high_en>…(peaceful|calm|quiet)",
        "(view|looking) (from|down from) the (ledge|edge|railing)", "(药房|药店)…(多|又)(买|开)(了)?(一瓶|一盒|几盒|几瓶|好几)", "(a )?whole bottle (saved|stashed|hidden)",
        "(long|far) way down", "(窗户|窗口)…(打开|开着)~(往下看|向下看|看下面|看了一眼)", "下面的…(好小|很小|那么小|好远)",
        "(炭|木炭|绳子|胶带|安眠药|刀片|百草枯|农药)…(都)?(在|放在|藏在)(了)?(床底|床下|柜子|抽屉|包里|箱子|行李箱)",
    ),
    cue=("(我)?(手边|身边|这里)有(一整瓶|一瓶|整瓶)$", "(刀片|刀|药|绳子|安眠药)(就|已经)?…(在|放在|藏在)…(手边|身边|手上"
         "|手里|抽屉|枕头|包里|口袋|床底|柜子)",
         "(blade|blades|pills|rope|knife|gun)( is| are|s)? (right )?(here|ready)",
         "(the )?whole bottle", "(should|will|would) be enough$",
         "(pills|blade|rope|knife|gun|meds)…(in my (hand|pocket|bag)|next to me|with me)",
         "lined (them|the pills|it|everything) (all )?up", "enough saved( up)?( now)?$", "(hardware store|五金店)", "<num>(片|颗|粒)$",
         "(买到了|到手了|拿到了)", "(就)?在(包里|手边|身边|抽屉里|口袋里|枕头下)$", "(got|have) everything i need",
         "(with|in) (it|the blade|the pills|the knife) in my hand", "(i )?(have|got) the (pills|rope|blade|knife|gun)"
         "( now| here| ready)?$", "with it in my hand",
         "(药|安眠药|药片)(都|全)?(吃|吞)(了|完|光)(了)?$", "(bottle|pills|blade|rope|knife)( is| are)? (right )?"
         "(next to|beside|by) me", "i (just )?took (them|it|the pills|all of them)( all)?$"),
    followup=True,
)

HEIGHT = Family(
    "height", "at a height",
    """Being at a roof, a bridge, a window, a ledge. With intent, or alone at night, a crisis:
    站在天台上想跳, 半夜一个人坐在楼顶, 站在桥边往下看; on its own review: 我现在在天台上, 爬到了
    教学楼顶上, 坐在阳台栏杆上腿悬在外面, 站在大桥护栏外面, 十八楼的窗户打开了往下看好高, 顶楼风好大,
    从最高层下去会不会很快, "I'm on the roof", "sitting on the railing of the overpass", "so
    windy up here", "the roof door was unlocked". Not here: 今晚去天台看流星, 在楼顶晾被子, 桥上风景
    真好, "the rooftop bar".""",
    crisis=(
        "(半夜|深夜|凌晨|大半夜)…(一个人)?…(站|坐|蹲|爬)…(天台|楼顶|顶楼|桥上|窗台)",
        "(站|坐|蹲|爬|翻)(在|到|上|过)?(了)?…<high>……(想跳|跳下去|要跳|准备跳|一跃|往下跳)",
        "(standing|sitting) on the (ledge|edge)", "(on|at) the edge of the (bridge|roof|building)",
        "(standing|sitting|im|i am)…(on|at) (the|a|this) <high_en>…(going to|gonna|about to|ready"
        " to|want to) jump",
    ),
    review=(
        "(站|坐|蹲|爬|爬到|爬上|翻|翻过|跨过|趴|悬)(在|到|上|过)?(了)?……<top>(?!.{0,8}(吃|看烟花|看星星|看日出|看日落"
        "|看流星|拍|晒|晾|聊天|喝|烧烤|乘凉|看风景|看夜景|唱歌|弹|玩|等人|打卡))",
        "(天台|楼顶|顶楼|屋顶)(的)?门…(没锁|开着|能上去|上得去|打开了|开了)",
        "(我)?(现在|正|此刻|一个人|又)(在|到了|来到)<top>(?!.{0,8}(晒|拍|吃|看|聊|玩|乘凉|等人|打卡|喝|晾|收))", "<high>(上)?……<view>", "<high>~(往下看|看下面"
        "|向下看|好高|很高)", "<water>……(站着|站了|坐着|看着水|往下看|想跳|走进去|走下去)",
        "(差一点|差点)(就)?(翻|跨|跳|迈|冲|走)(过去|出去|下去)", "从……<high>……(跳|下去)",
        "(天台|楼顶|顶楼|桥上|桥边|窗台|窗边|窗户边|阳台边)(上)?(站|坐|待)(了|一会)",
        "(im|i am|standing|sitting|been|currently|stood|sat|climbed|waiting|up|out) (here )?(on"
        "|at|onto|over|up on|on top of) (the |a |this |my |our )?(dorms? |librarys? |buildings? )?"
        "<high_en>" + _LEISURE_EN,
        "<top>(边)?(上)?(站|坐|蹲|待)着", "(im|i am)…(on|at) the (ledge|roof|rooftop|railing)" + _LEISURE_EN, "其实(我)?(不|没)(爬山|露营|烧烤|攀岩|野炊|晾衣服|搬家)",
        "(looking|look|stare|staring|looked|stared) down (from|at|over) (the|a|this)",
        "(so|really|very|pretty) (high|windy|quiet|cold) up here", "up here on the <high_en>",
        "<water>~(走进去|走下去|跳下去|想跳|走进水里)", "<water>…(水)?(挺|好|很|真)?(深|黑|凉|冷|急)",
        "(天台|楼顶|屋顶)(这边|上面|上)?…(没人|没有人|(好|很|挺)安静)", "(在|到了|上了)…<top>(上|边上|边)?$(?!.{0,8}(晒|拍|吃|看|聊|玩|乘凉|等人|打卡|喝))",
        "(?<![不没别])<hope>……<top>……(站|坐|跳|上去|下去)", "^(on|at|up on|on top of) (the|a|this|my|our)…"
        "<high_en>", "(the )?water (looks|seems|is|feels) (so )?(calm|inviting|peaceful|deep|dark|cold)",
        "so inviting", "(?<![不没别])<plan>(了)?~<soon>…(去|到)(<water>|<top>)(?!.{0,6}(看|散步|玩|吃|烧烤|拍照|跑步|晒|晾"
        "|钓鱼|开会|上课|自习|聚))", "(walking|heading|going|driving) to the (<high_en>|<water_en>)~(one last time|might"
        " not|wont (come|walk) back|for good|last time)",
        "the (drop|fall) (looks|is|would|will)", "(climbed|climbing|over|past|outside) the"
        " (railing|fence|barrier|guardrail)", "(roof|rooftop) (door|access)",
    ),
    cue=("(天台|楼顶|顶楼)(的)?门", "(站在|坐在|在|到了)…(窗边|窗台|窗户边|窗前|阳台|<top>|<water>)",
         "(already|now|just) (on|at) the <high_en>", "(im|i am) (at|by|near) the <water_en>", "(counted|count) them", "(theres|there is) enough$", "(到|在|上)<top>(了)$", "(到|在)<water>(了)?$", "(我)?(去)?看过了$", "(人)?(在|到|上)<top>(了)?$", "(walking|heading|going)"
         " there (now|rn)"),
    followup=True,
)

FAMILIES = (HOARD_MEANS, HEIGHT)
