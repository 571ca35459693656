"""Violence against others: threats, plans and wishes to kill or hurt someone."""
from __future__ import annotations

from core.crisis.lexicon.family import Family

VIOLENCE = Family(
    "violence", "violence",
    """Harming another person. A harm verb with a person, a wish to kill, a weapon brought
    along is a crisis: 杀了他, 捅死那个人, 想把宿舍那几个人都毒死, 谁惹我我就砍谁, 他必须死,
    同归于尽, 报复社会; "I will kill them all", "I want to stab my roommate", "I'm bringing a
    knife to his office hours", "shoot up the school". Named on its own (杀人, 砍人, "kill
    someone"), a threat without a harm (给我等着, 付出代价, "watch your back") and the insult
    "kys" are review. Games (狼人杀, 剧本杀), 杀毒, 秒杀 are harmless (``modifiers.py``);
    辅导员要杀了我 (I'm in trouble) is not a threat.""",
    crisis=(
        "<harm_verb>(了|掉)?<victim>(?!人)", "<harm_verb>…<victim>(?![人我])",
        "(?<![不没别])<wish>…(杀人|砍人|杀了(?!我)|弄死|捅死|报复|放火|伤害别人|动手)",
        "把………<victim>………(都)?(杀了|掐死|毒死|弄死|砍死|捅死|打死|打残|推下去|推下楼|烧死|淹死)",
        "就(砍|杀|捅|弄死|打死)谁", "(开水|硫酸|汽油|热水)…泼(他|她|你|他们|她们)",
        "(往|在)……(杯子|水|饭|饮料|咖啡|奶茶)里……(下毒|投毒|放毒|下药)", "(下毒|投毒)(毒死|害)",
        "(等|趁)(他|她|他们|她们)……(睡着|不注意|落单|一个人)……(就)?动手",
        "(带|拿)(上|着)?(刀|斧头|菜刀|汽油|硫酸)……(去|到)……(找|砍|杀|捅|泼|烧)",
        "(带|拿)(上|着)?(刀|斧头|菜刀)……(去|到)(学校|实验室|教室|办公室|宿舍|食堂|他|她)",
        "(他|她|他们|她们|你)(必须|就该|应该|得)死", "(让|要)…(陪葬|见血|血债血偿)",
        "同归于尽", "报复社会", "(带|拿)(着)?(刀|斧头|菜刀|汽油|硫酸)…(去)?(找|砍|杀|捅|泼)",
        "(i )?(<want>|<going>)…(<harm>|shoot|poison|hurt|beat|run over|burn down) <person>",
        "(i )?(<want>|<going>)…(run (him|her|them) over|burn down|set fire to)",
        "<harm>(ed|ing|s)? <person>", "tak(e|ing) (people|them|everyone) (down )?with me",
        "(i )?(<want>|<going>)…put something in (his|her|their|my)",
        "(going|gonna|about) to use it on (him|her|them)",
        "shoot(ing)? up (the|my|a|this) (school|class|campus|dorm|lecture)",
        "bring(ing)? (a|my) (gun|knife) to (school|class|campus|his|her|their|the)",
        "py:tong gui yu jin", "(?<![不没别])<wish>…(让|叫)(他|她|他们|她们)…(出事|出车祸|出事故|付出代价|死)",
        "(把)…(整个)?(寝室|宿舍|教室|实验室|楼|房子|他家|她家)…(一起|都|全)?(烧了|点了|炸了)",
    ),
    review=(
        "杀人", "砍人", "(伤害|报复)(别人|他人|所有人|他们)", "陪葬", "付出代价", "给我等着",
        "走夜路(小心|当心)", "(带|拿)(上|着)?(汽油|硫酸)", "(让|要)(他|她|他们|她们|你|你们)……(后悔|完蛋|好看|尝尝|笑不出来)",
        "(计划|想)…怎么(弄|收拾|报复|对付)(他|她|他们)", "收拾(他|她|他们)", "伤到无辜", "下毒",
        "投毒", "(往|在)……(杯子|水|饭|饮料|咖啡)里…(放|加)(点)?(东西|药)",
        "(刀|棍子|汽油|硫酸|斧头)…(都)?(磨好|准备好|带上|买好)(了)?", "放火烧",
        "kys", "(kill|hurt|stab|shoot)(ing)? (someone|somebody|people|random people|others)",
        "make (them|him|her|you) (all )?regret", "burn down", "put something in (his|her|their)"
        " (coffee|drink|food|water)",
        "revenge on", "(watch|better watch) your back", "(bleed|pay) for (what|this)",
        "break(ing)? (his|her|their) (neck|legs|face|bones)", "you (wont|will not) make it home",
        "(让|要)(他|她|他们|她们)…(出(个)?事|出车祸|出事故|消失|付出代价)", "动(点)?手脚", "(跟着|跟踪|尾随)(他|她|他们)",
        "(他|她|他们|你|你们)会后悔的", "(名字|名单)…(都)?记(下来|住)了~(一个一个|挨个)",
        "follow(ing|ed)? (her|him|them) home", "(know|knows|learned) (his|her|their) (schedule|route|address"
        "|routine)", "(going to|gonna|will) regret (what|this|it|everything)", "(theyll|they will|youll"
        "|you will) (all )?see what happens", "bringing something to (class|school|campus)",
        "(wait|waiting) for (him|her|them) (after|outside|behind)", "ruin (theirs|their lives|his life|her life)",
    ),
    gap=3,
)

FAMILIES = (VIOLENCE,)
