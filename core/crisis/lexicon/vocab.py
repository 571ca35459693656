"""Word lists the patterns share, written ``<name>`` in a pattern: the Chinese ones here, the
English ones in ``vocab_en.py``.

Each list is one group of alternatives in the pattern notation (``core/crisis/patterns.py``):
synonyms, near-synonyms, colloquial and slang forms of one idea. A family's patterns combine
a part that says who wants or plans what (a wish, a plan, a negation, the first person) with
a list of the family's words, a few characters apart, so that a new phrasing of the same
structure is caught without being listed. Changing a list changes every pattern that names
it; ``tests/unit/test_crisis_lexicon.py`` shows what each family must and must not catch.
"""
from __future__ import annotations

from core.crisis.lexicon.vocab_en import MACROS_EN

MACROS_ZH: dict[str, str] = {
    # A number in digits or Chinese numerals (a raw regular expression: the notation has no
    # character classes).
    "num": "(?:[0-9一二两三四五六七八九十百几多]+)",
    # ---------------------------------------------------------------- who wants what
    # A wish, plan or decision (想 alone has its own patterns with 死; 要 is here because
    # it is followed only by the unmistakable words of <die> and <method>).
    "wish": "(想|好想|很想|真想|只想|就想|总想|老想|总是想|一直想|想要|要|打算|准备|计划"
            "|决定|宁愿|宁可|干脆|恨不得|不如|还不如|只求|真的想|好想就|想过|特别想|超想|非常想"
            "|太想|多想|挺想|有点想|又想|还是想|天天想|每天都想|都想|一直在想|总在想|在想"
            "|琢磨|盘算|考虑|想着|巴不得|盼着|满脑子(都是)?|脑子里(全|都)是)",
    # A softer wish: hoping, praying, "if only" (no 要: 要消失了 is about to vanish).
    "hope": "(想|好想|很想|真想|只想|就想|多想|太想|特别想|想要|希望|真希望|好希望|多希望|好想要"
            "|但愿|巴不得|恨不得|盼着|盼望|祈祷|要是能|如果能|能不能|可不可以|宁愿|宁可|干脆"
            "|不如|还不如|只求|求求|让我|许愿|许个愿)",
    # A plan or a decision already made.
    "plan": "(决定|打算|准备|计划|想好|定好|安排好|下定决心|已经决定|决心)",
    # A time that says "soon" (今晚就跳楼).
    "soon": "(今晚|今天|明天|明晚|后天|马上|现在|待会|等下|这周末|周末|一会儿|这周|下周|今夜"
            "|凌晨|半夜|周五|周六|周日|月底|考完|过几天|这几天)",
    # ---------------------------------------------------------------- dying
    # Dying by one's own hand, without a method (bare 死 is not here: 要死, 热得要死).
    "die": "(自杀|自尽|轻生|寻死|求死|去死|一死了之|寻短见|自我了断|了结自己|了断自己|了结"
           "|结束自己|结束(了)?(我|我的|自己的|自己|这条)?(生命|一生|性命)|结束这一切"
           "|离开(这个)?(世界|人世)|从(这个)?世界(上)?(彻底)?消失|告别这个世界|死掉|死了算了"
           "|(和|跟|向)这个世界(说)?(再见|告别|道别|拜拜)|不活了|紫砂|自鲨|自刹|zs|去世(?!界)|鼠了"
           "|杀(了|死)?自己|把自己(嘎|杀|弄死|淹死|饿死|勒死|掐死|毒死|烧死|闷死|摔死|撞死)"
           "|嘎了自己|走上绝路|离世|鼠掉|自s|qs|鲨了自己|把自己鲨了)",
    # A method of suicide.
    "method": "(跳楼|跳河|跳江|跳海|跳湖|跳桥|跳下楼|卧轨|跳轨|上吊|吊死|割腕|割脉|割喉|割下去"
              "|烧炭|服毒|吞药|喝农药|吞安眠药|吞刀片|开煤气|撞车|吃老鼠药|喝百草枯"
              "|(走|跳)进(水里|江里|河里|海里|湖里)|<jump>"
              "|(把|将)(药|安眠药|药片)…(全|都|一次)…(吃|吞|喝)(了|掉|下去|光)"
              "|(吃|吞|喝)(掉|光|完|下)?(所有的|全部的|全部|一整瓶|一瓶|整瓶|一整板|所有)…(药|安眠药)"
              "|(刀|刀片)…(割|划)(腕|手腕|脉)|tl"
              "|(把)…<amount>…(药|安眠药|药片)…(吞|吃|喝)(下去|掉|了|光))",
    # Jumping from a height (从楼顶跳下去, 从十八楼下去).
    "jump": "((从|在|去|到|上|爬上)(<high>|窗户|窗口|窗外)(上)?…(跳(?![绳舞远高操伞])|往下跳|一跃|翻下|摔下)"
            "|(去|到|在|从)<water>…(跳(?![绳舞远高操伞])|走进去|走下去)"
            "|从(最高层|顶楼|楼顶|天台|屋顶|窗户|窗台|阳台|<num>(楼|层))…下去)",
    # ---------------------------------------------------------------- the indirect families
    # Not being there: vanishing, sleeping and not waking, never having been born.
    "vanish": "(消失|不存在|蒸发|人间蒸发|化成灰|变成空气|化成空气|烟消云散|散掉|不复存在"
              "|从(这个)?(世界|地球|人间)(上)?…(消失|蒸发|删除|抹去|抹掉|离开|退出|擦|带走|去掉|删掉|下车"
              "|退场|离场|下线)"
              "|永远(地)?离开|(别|不要)让我(再)?(醒|醒来|醒过来|睁眼)"
              "|(把我|将我)(忘了|忘掉|忘记)|忘(了|掉|记)我|没人记得我|一直睡下去(再也)?不(醒|起来)|(永远)(地)?(睡(?![到懒个好])"
              "|睡着|睡下去|沉睡|闭上眼|不醒)|睡到永远|长眠|一睡不醒|(再也|永远|别|不要|不用|不必)(再)?(醒"
              "|醒来|醒过来|睁眼|睁开眼)|(再也|永远)(不用|不要)?(再)?起来|醒不过来|醒不来"
              "|(别|不要)让我(再)?(看到|见到)(明天|明早)"
              "|(根本|从来)?没(有)?(出生|来过|存在过|被生下来)"
              "|不在(这个世界上|了)|(删除|删掉|抹掉|注销)自己|不用再(醒|起来|睁眼))",
    # A burden: what the writer says they are to others.
    "burden_n": "(累赘|拖累|负担|拖油瓶|包袱|多余的人|多余的|废物|麻烦精|害人精|扫把星|灾星|寄生虫"
                "|吸血鬼|祸害|绊脚石|麻烦|罪人|无底洞|错误|多余的存在|废人)",
    # The people one weighs on.
    "others": "(家人|家里|大家|你们|爸妈|父母|别人|所有人|他们|身边的人|妈妈|爸爸|我妈|我爸|家里人"
              "|朋友|室友|这个家|全家|亲人|老师|爷爷奶奶|宿舍|室友们|全班|班里|同学|整个家|身边所有人)",
    # Better off: how others would be without the writer.
    "better": "(更好|好过|轻松|开心|幸福|清净|省心|省事|解脱|少(花|操心|很多)|过得(更)?好"
              "|不用(这么|再|那么)?(辛苦|累|操心|花钱|担心|借钱|吵架|为难)|松一口气|没(有)?负担|少吵|好好的|会好)",
    # Meaning, hope, reason: what life is said to lack.
    "meaning": "(意义|意思|盼头|奔头|希望|价值|必要|动力|理由|念想|留恋|乐趣|期待|指望)",
    "lack": "(没|没有|毫无|失去(了)?|找不到|看不到|没了|没啥|没什么|不知道有什么|不知道有啥"
            "|有什么|有啥)",
    "life": "(活着|人生|生活|存在|日子|这辈子|活下去|继续活|每一天|未来|一切|这一切|醒来"
            "|这样活|这么活|日复一日|每天都这样)",
    # The end of pain, the sought relief.
    "relief": "(解脱|一了百了|永远(地)?(安静|休息|解脱|轻松|自由)|彻底(结束|解脱|安静|轻松|自由)"
              "|(不用|不会|不必)再(痛|痛苦|难受|煎熬|疼|面对|受罪|受苦|挣扎|撑)|轻松了|自由了|安静了)",
    # ---------------------------------------------------------------- preparations
    # A high place to fall from (not 楼上: 我在楼上 is upstairs).
    "high": "(天台|楼顶|顶楼|屋顶|最高层|顶层|高楼|大楼|楼的?顶|桥上|桥边|大桥|天桥|护栏|栏杆"
            "|窗台|窗边|窗户边|阳台边|阳台(的)?栏杆|悬崖|崖边|边缘|高架|立交桥|桥"
            "|阳台|<num>(楼|层))",
    # The high places one is not at by chance (no windows: 坐在窗边看书).
    "top": "(天台|楼顶|顶楼|屋顶|最高层|顶层|楼的?顶|桥上|桥边|大桥|天桥|护栏|栏杆|窗台|阳台边"
           "|阳台(的)?栏杆|悬崖|崖边|高架|立交桥)",
    # Water one could walk into.
    "water": "(江边|河边|海边|湖边|水边|江里|河里|湖里|海里|水里|江水|河水|湖水)",
    # What is seen or felt up there.
    "view": "(往下看|向下看|看着下面|看下面|低头看|下面的(人|车|水|路|地)|好高|很高|那么高|真高|这么高"
            "|风(好|很|真|特别|太)?大|腿悬|悬空|翻过去|翻出去|跨过去|跨出去|在外面|外面了|看着水"
            "|没(有)?(想象中|想的)那么高|站上去|不想(再)?下来)",
    # Means one could die by (for hoarding; 药 alone only with a hoarding verb).
    "means": "(安眠药|药片|药|止痛药|抗抑郁药|处方药|镇静剂|布洛芬|扑热息痛|阿普唑仑|佐匹克隆"
             "|艾司唑仑|地西泮|安定片|农药|百草枯|敌敌畏|老鼠药|鼠药|毒药|木炭|炭|炭盆|绳子|麻绳"
             "|刀片|美工刀|剃须刀片|胶带)",
    # Means one buys for only one thing, unless a harmless purpose follows.
    "means_buy": "(安眠药|百草枯|敌敌畏|老鼠药|鼠药|毒药|农药|木炭|炭|炭盆|绳子|麻绳|刀片|登山绳|尼龙绳"
                 "|剃须刀片)",
    "hoard": "(攒|存|囤|藏|收集|凑|积攒|偷偷留|留着|留下|备着)",
    "amount": "(一大把|一大瓶|一整瓶|一瓶|整瓶|好几瓶|好几盒|一大堆|一堆|一抽屉|一整板|很多|好多"
              "|(好几|<num>)(片|颗|粒|盒|瓶|板|包))",
    # Things one owns and may give away.
    "things": "(东西|物品|衣服|书|猫|狗|电脑|游戏机|吉他|笔记|存款|钱|积蓄|账号|手机|相机|首饰|零食|多肉|绿植|花|植物"
              "|玩偶|手办|键盘|耳机|平板|宝贝|收藏)",
    "pet": "(猫|狗|狗狗|猫猫|猫咪|宠物|仓鼠|兔子|鱼|乌龟|鹦鹉|花|植物|多肉)",
    "give": "(送人|送给|留给|分给|送掉|送出去|托付给|转给|交给|给了|送你|送了|分给了|分了)",
    # Loved ones who have died, to be joined.
    "kin": "(奶奶|爷爷|外婆|外公|姥姥|姥爷|妈妈|爸爸|我妈|我爸|太奶|太奶奶|太姥姥|祖宗|亲人|她|他"
           "|宝宝|狗狗|猫咪)",
    "beyond": "(另一个世界|另外一个世界|那个世界|天堂|天国|彼岸|极乐世界|阴间|黄泉)",
    # A harm verb against another person, and the person.
    "harm_verb": "(杀|砍|捅|宰|弄死|打死|整死|砍死|捅死|杀死|毒死|掐死|勒死|做掉|打残"
                 "|弄残|烧死)",
    "victim": "(他们|她们|你们|他|她|你|室友|舍友|同学|老师|导师|辅导员|领导|那个人|这个人"
              "|全家|所有人|一家人|前任|男朋友|女朋友|男友|女友|那个贱人|他全家|她全家|师兄"
              "|师姐|学长|学姐|那几个人|那些人|谁|的人)",
}

assert not MACROS_ZH.keys() & MACROS_EN.keys(), "a word list named in both languages"
MACROS: dict[str, str] = {**MACROS_ZH, **MACROS_EN}
