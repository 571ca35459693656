"""The preparation families: goodbyes and settling affairs (hoarding means and a height are in
``means.py``).

Each is at least review on its own (a message that only makes full sense as a follow-up,
such as 信已经写好了, is still seen), except the cues, which count only as follow-ups.
They are ``followup`` families: after an earlier sign of distress in the same chat (the
risk level, ``core/crisis/state.py``) any of their patterns makes the message a crisis.
"""
from __future__ import annotations

from core.crisis.lexicon.family import Family

GOODBYE = Family(
    "goodbye", "saying goodbye",
    """Taking leave as if for good. 永别了, 再见了各位, 这是我最后一条朋友圈了, 谢谢大家这些年的
    照顾, 以后不会再打扰了, 明天她就再也见不到我了, 等你们看到这条的时候我已经不在了, 你们要好好的
    我先走一步了, 我的遗言, 替我跟我妈说声对不起, 下辈子再做你女儿; "goodbye forever", "this is
    my last message", "you won't hear from me after tonight", "love you all, sorry for
    everything", "thank you all for everything". Not here: 拜拜明天见, 这是最后一次提醒, "thanks
    for everything this semester".""",
    crisis=("(这是|这就是)?(我的)遗言", "(this is|here is|these are) my (last|final) words"),
    review=(
        "永别", "诀别", "再见了(各位|大家|所有人|这个世界|世界|爸妈|妈妈|爸爸|朋友们|你们)", "来生再见",
        "下辈子再见", "(最后)(一)?(次|条|句|篇|封)…(说话|聊天|发消息|消息|联系|打扰|麻烦|见你们|给你们"
        "|在群里|朋友圈|动态|微博|说说|留言|晚安|信)", "遗言",
        "谢谢(你|你们|大家|各位)…(这些年|这几年|一直以来|所有的|这么久|这么多年|一直|这段日子|这一路)…(照顾"
        "|陪伴|包容|陪着我|陪我|忍受|收留|对我好)", "不(能)?(再)?陪(你们|你|大家)(走)?(下去)?了",
        "(好好|最后)(地)?(道|说|告)(个|声|一声)?(别|再见)", "(说|道)(声|一声)?再见~(走了|离开)",
        "(很远|远方)的那种", "(去|走)(一个)?很远(很远)?的地方", "(整理|收拾)(好)?(了)?~(分给|送给|留给|送人)", "最后一次(跟|和|陪)(你们|你|大家|家人|爸妈)(?!说(?!话))", "(thank you|thanks)…(all these years|all this time"
        "|over the years)", "(last|final) (message|text|thing) (youll|you will|you ll) (get|hear|receive) from me", "最后(再)?(跟|和|对)(你们|大家|你)(说)?(一次|一声|一句)",
        "以后(也)?没人(浇水|喂|照顾|养)", "等我(去|走了)…陪<kin>",
        "(帮我|替我)(照顾|照看|陪)(好)?(我妈|我爸|爸妈|我的家人|家人|妈妈|爸爸|我家人)", "see (you|u) never",
        "(my )?farewell (post|message|letter|note)", "(left|leaving|wrote|writing) instructions", "(这辈子|这一生|此生)…(认识|遇到|有)(你们|你)", "对不起~(我)?先走(了|一步)",
        "(last|final) (thing|message|post|time) (ill|i will|im going to|i ll) (post|say|write|send)",
        "最后一次(看到|见到|看见|听到|抱)(你|你们|她|他|妈|爸|我妈|我爸|妈妈|爸爸)",
        "(就说|就告诉(他们|她|他))我…(出远门|去旅行|出国|走了|去很远)", "(以后|今后)…没(有)?我(这号人|这个人)",
        "((各位|大家)珍重|珍重$)", "最后(一次)?冒(个)?泡", "((再也|永远)(不会|不)回来|(不会|不)再回来)",
        "(替|帮)我(跟|和|向|对)(我)?(妈|爸|爸妈|父母|家人|妈妈|爸爸|奶奶|爷爷|他们)…(对不起|我爱|谢谢|别难过)",
        "(以后|今后)(就)?(也)?(不会再|不再|再也不|不用再|不会)(麻烦|打扰|烦|拖累)(你|你们|大家|任何人|谁)?了",
        "(不会再|再也不会|再也不)(麻烦|打扰|烦|联系|拖累)(你|你们|大家|任何人|谁)?了", "再也(见不到|看不到|不会见到|听不到|联系不上|找不到)(我)",
        "替我…(说声|说一声)?(对不起|谢谢)", "(如果|要是)(以后|明天)?(联系不上|找不到)我",
        "(我)?走了(以后|之后)……(忘了我|好好过|好好的|别难过|不要难过|照顾好)",
        "(如果|要是)…(没回|不回)(消息|信息|你)", "(安心|放心)(地)?走了",
        "(好好的|保重|照顾好自己)(吧|啊|哦)?~先走一步", "先走一步……(好好的|保重|照顾好自己|别难过)",
        "(这次|这回)(是)?真的(晚安|再见)", "(等|当)(你|你们)(看到|收到|读到)…(的时候|时)?~(我)(已经|应该"
        "|大概|可能|早就)?…(不在|走了|离开)", "(要)?走了……(很远|不回来|不会回来|回不来)",
        "(对不起|我爱你们|谢谢你们|谢谢大家)~(再见|永别|拜拜|下辈子)(了)?$", "下辈子(再)?(做|当)你的",
        "said (bye|goodbye) to (my|everyone)", "(goodbye|bye|farewell) (forever|everyone|world"
        "|for good|cruel world)(?!.{0,24}(see_(you|u|yall)|next_(week|semester|year|term)|tomorrow"
        "|later))", "(love (you|u) (all|guys)|sorry for everything)~(goodbye|bye"
        "|farewell)", "(this is|this will be|this ll be|its) (probably )?(my )?(last|final) (message"
        "|post|text|goodbye|words)", "last time (youll|you will|you ll) (hear from|see) me",
        "(you|u)(ll| will)? (probably )?(wont|will not|will never|never|not) (see|hear from|hear)"
        " (from )?me (again|after (tonight|today|this)|anymore)",
        "thank(s| you| u) (all )?for (everything|putting up with me"
        "|being my friend|all the memories)(?!.{0,12}(this|today|prof|professor|sir|miss|mr|ms|great|semester"
        "|class|term|year|party))",
        "(wanted|want) to say (goodbye|bye) to (you|everyone|all|my)", "said (my|our|all my) goodbyes", "(letters|notes) (are|is) (sealed|written|ready|done|addressed)",
        "last time (we|i) (talk|speak|see|will talk|ll talk)", "(想见的人|该见的人)(都)?见(了|过)", "谢谢…(照顾|陪伴|包容|陪着我|陪我)~(以后|保重|再见|永别)",
        "(以后|今后)(要|你们)?(多)?保重", "(说声|说一声)?谢谢~(说声|说一声)再见", "以后的日子…(好好过|照顾好自己|好好的)",
        "(你|你们)(以后)?(要|一定要)好好(过|活|的|生活|照顾自己)",
        "(tell|let) my (mom|dad|parents|family|sister|brother|mum) (im sorry|i love)",
        "(gone|go) for good", "(sorry|im sorry) for (everything|being (a burden|like this|this way))",
        "(tell|let) (my )?<kin_en>…(im sorry|i love|(wasnt|not) (her|his|their|your) fault)",
        "if (anyone|someone|you) (finds|reads|sees) this", "(it was|was|been) (nice|good|great) knowing"
        " (you|u|yall|everyone|you all|all of you|you guys)", "(thanks|thank you|thank u)…(everyone|all of you|you all"
        "|you guys)~~(bye|goodbye|farewell)$", "以后就不(再)?(麻烦|打扰)(你|你们|大家)了", "(别|不要|不用)(再)?(劝|拦)我",
        "cancel(l)?ed my phone (plan|contract|line)", "(might|may|probably|prob) not (walk|come|make it) back",
        "(not|never) coming back", "(照顾好|照顾)自己…(别|不要)(为我)?(难过|伤心|哭)", "(别|不要)为我(难过|伤心|哭|担心)",
        "忘了我(吧)?$", "(有缘|来世|来生)(再见|再会)", "后会无期", "最后的(话|留言|消息|一句话)",
        "这是(我)?(给|对)(你们|你|大家)(说)?的?最后", "(?<![不没])原谅我(吧)?$", "(别|不要)(想|记得|找)我(了)?$",
        "if (youre|you are|anyone is|someone is) reading this", "(take care of|look after) yourselves",
        "(dont|do not) (be sad|cry|blame yourselves?|miss me)", "(forgive me|please forgive me)$",
        "(its|it has) been real", "(this is|its) goodbye(?!_?(to|for))", "(i )?love (you|u) (all|guys)~(sorry|goodbye|bye)",
        "before i go$", "(remember|dont forget) me (when|after|fondly)",
    ),
    cue=("(告别|道别)(过)?了", "(今天|这)是最后一天", "最后一件事", "thank (you|u) for trying",
         "(see|join) (her|him|them) soon$", "for good$",
         "(很快|马上)就(能|会|要)见到(她|他|奶奶|爷爷|外婆|外公|妈妈|爸爸)(了)?",
         "(不要|别|不用)(再)?(找|劝|拦|管|担心|等|联系)我(了)?$",
         "(dont|do not) (try to )?(find|look for|call|stop|come after|save) me",
         "<kin>(等等我|等我)", "(关机|下线)(了)?~(拜拜|再见)", "(没人|没有人|不会有人)(会)?(拦|管|发现|阻止|找)我",
         "or anywhere$", "^(goodbye|bye|farewell)$", "(wrote|written|left|finished) (the|a|my) (note|letter)s?", "(im )?sorry (mom|dad|mum|everyone|guys)$",
         "对不起(妈|爸|妈妈|爸爸|大家|爸妈)$", "remember (that|me)$", "(你们|大家|各位)(多)?保重$", "^(再见|拜拜|永别)(了)?$", "(写好|写完)(了)?…(信|遗书)", "以后不会了$",
         "(如果|要是)我…(没(来|回|出现)|不回)~(就是|说明)(我)?…(走了|决定|不在|做了)", "(已经)?(写好|写完)了$", "最后一(条|句)(了)?$", "到时候(你们)?(就)?(看|打开)"),
    followup=True,
)

SETTLE_AFFAIRS = Family(
    "settle_affairs", "settling affairs",
    """Putting things in order before dying: a will, notes or letters, giving things away,
    arranging for pets or passwords, paying back debts. 遗书写好了, 给每个人都写了一封信, 交代
    后事, 该交代的都交代完了, 我的东西都分给室友了, 把攒的钱都转给我妹了, 猫以后就拜托你照顾了,
    银行卡密码写在纸上了; "I wrote my will", "giving away my stuff", "left notes for my family",
    "emailed my sister all my passwords", "tying up loose ends". Cues (counting only after
    earlier distress): 东西我已经都收拾好了, 以后用不上了. Not here: 室友把她的旧书送人了, wifi
    密码写在门上, "giving away my old textbooks".""",
    crisis=("(写好|写完|留好|写了|留了|准备好)…遗书", "遗书…(写好|写完|放在|留在)",
            "(wrote|written|writing|left) (a|my) (suicide note|goodbye letter)"),
    review=(
        "遗书", "绝笔", "(交代|安排|处理|准备)(好)?(了)?(我的|自己的)?后事", "(我的|自己的)后事",
        "后事…(我|自己)…(想好|安排|交代|准备)", "该交代的…交代(完|好)", "遗嘱",
        "我……<things>……(都|全部|全|所有|也)<give>", "(?<![她他们友])把(?!(她|他)的)……<things>……(都|全部|全|所有)<give>", "<things>…我…(都|全部|全|所有|也)<give>",
        "(把|将)(我的|我|自己的|我攒的|我所有的)……<things>……<give>", "我的……<things>……<give>",
        "<pet>…以后…(拜托|托付|交给|麻烦)", "以后……<pet>……(交给|拜托|托付|麻烦|帮我)……(照顾|养|喂)",
        "<pet>…拜托…照顾", "(该送的送|该扔的扔|该还的还)", "以后……<pet>…(就)?(拜托|托付给|交给)(你|你们)(了)",
        "((谁的|谁)都不欠|不欠(任何人|谁)(的)?)", "该(还|道歉|说|交代|告别|做|送|扔)的(都|也)…(了)",
        "(谁想要|谁要|想要的)…(拿走|拿去|带走|来拿)~(用不上|用不着)", "(我|反正)…用不(上|着)了$",
        "(反正|以后)(也)?(都)?用不(上|着)", "(相册|朋友圈|微博|qq空间|空间|账号|聊天记录|动态|抖音|小红书)(都|也|全)?"
        "(清空|删光|注销)", "(万一|如果|要是)我(出了什么事|有什么三长两短|出事)",
        "(手机|电脑|银行卡|支付宝|微信|账号)(的)?密码(是|在|写在|放在)",
        "(账号|微信|微信号|qq|手机)…以后…(交给|归|给)(你)", "(收拾|整理)…(干干净净|整整齐齐|好)~(别人|他们|你们)……(麻烦|方便|不用)",
        "(不想|不要)(给|让)(别人|家人|你们|家里)…(添|留)…麻烦", "(反正|无所谓)~(我)?(应该|可能|大概)?(看不到|等不到|用不上|用不着)了",
        "(gave|giving) away~(dont|wont|do not|will not) need", "(a|my) (stash|stockpile|supply|collection) of <means_en>", "(想说的话|要说的话|遗言)…(写在|留在|放在|都在)",
        "不想(再)?留下(什么|任何|痕迹)", "(日记|照片|信|聊天记录)(都|全)(烧了|删了|删光了|扔了|清空了)",
        "(我)?走了(以后|之后)(也)?(就)?(没用|用不上|用不着)(了)", "谁(想)?要谁拿~(走了|用不上|用不着|没用)", "(能送的|该送的|能给的)(都)?(送|给)(出去|人|掉)?(了)?",
        "(写好|写完|写了)(了)?(给|留给)(爸妈|家人|妈|爸|你们|大家|我妈|我爸)的信",
        "(放在|留给|给)你…~以后(你)?(用得着|用得上)",
        "(银行卡|支付宝|微信|手机|电脑|账号|游戏账号|邮箱|网银)(和)?(的)?密码…(写在|留给|发你|发给"
        "|告诉|整理好|放在|在备忘录)", "(账号|密码)…(都)?整理好…(发|给|留)",
        "(信|遗书|那封|一封)…(放在|压在|塞在)…(枕头|抽屉|桌)", "给(每个人|大家|你们|爸妈|家人|所有人)(都)?(写|留)(了)?…信",
        "(钱|债|欠的|借的|花呗|贷款|欠款|欠室友的钱)…(都|全)?还(清|完|上|了)~(安心|可以走|了无牵挂|没什么牵挂"
        "|走了|没有遗憾|踏实)",
        "(giving|gave|give|given|handing|handed|handing out) (away )?(all |most of |some of )?my"
        " <things_en>( away)?(?!_?(to_(a|the)_(charity|thrift|library)|for_(free|cheap)|dm))",
        "(giving|gave|give) away (all|most|everything|all my|most of my)(?!_?(old|the))",
        "(you can have|take|keep) my~(wont|will not|dont) need (them|it)", "(knows|know) where (my|the) (will|letters?|notes?"
        "|passwords?|documents)", "(存折|银行卡|遗嘱|钥匙)…(室友|你|他们)知道(放)?(在)?哪", "东西(都)?(送|分)(完|光)了", "(i )?want you to have my",
        "(wrote|written|writing|made|finished) (my|a) will", "suicide note", "tying up loose ends",
        "(wrote|written|writing|left|leaving) (letters|a letter|notes?|goodbye (letters|notes))"
        " (to|for) (my|everyone|each|all|the people)", "goodbye (letters|notes)",
        "wrote the (letters|notes)", "(emailed|sent|gave|texted|told|wrote down) (my (sister|brother|mom|dad"
        "|mum|friend|roommate|best friend|partner) |you |her |him |them )?(all )?my (passwords"
        "|bank details|pin)",
        "(look after|take care of|take|adopt|feed|keep) my <pet_en>(?!_?(while|this|for the|when|over))",
        "(cant|cannot|wont be able to) (look after|take care of) (him|her|it|them) (anymore|any more)",
        "(who|someone) (gets|should get|can have|will get) my", "who gets what",
        "if (something|anything) (happens|happened|were to happen) to me",
        "passwords…(letter|note|drawer|desk)", "(letter|note)…passwords",
        "(我的)?东西…(你们|大家)?(分了|拿去|拿走|送你们)~(不需要|用不上|用不着)",
        "(deleted|deactivated|wiped|cleared|closed) (all )?(of )?my (accounts|socials|instagram|insta"
        "|photos|social media)", "deleted (all|everything)",
        "(wrote|written|writing|left|leaving) (them|her|him|you|each of them|everyone|my (mom|dad"
        "|parents|family|sister|brother|mum)) (a )?(letters?|notes?)", "(sorted|sorting|got|getting|put"
        "|putting) (out )?(my|all my) (affairs|things) in order", "(paid|paying) (back|off)"
        " (everything|all (my|of my|the) (debts|money)|everyone)",
    ),
    cue=("(东西|行李|东西我|房间)…(都)?(收拾|整理|处理)(好|完)了$", "(用不上|用不着)了",
         "信(已经)?(写好|写完)了", "该做的(都)?做(完|了)", "(钥匙|东西)(放|在)…(老地方|门垫|抽屉)",
         "(wont|will not) need (them|it|these|this|my) (anymore)?", "just in case$",
         "(my|the) (cat|dog) goes to"),
    followup=True,
)

FAMILIES = (GOODBYE, SETTLE_AFFAIRS)
