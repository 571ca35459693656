"""The indirect families of wish and despair: how students say it without saying it.

On its own each is review (possible distress); with a wish, a plan or a time some are a
crisis. Each family pairs a part that says who wishes or lacks what (``<hope>``, the first
person, a negation) with a word list of its own (``vocab.py``), a few characters apart, so
that a new phrasing of the same structure is caught. Relief and another world are in
``beyond.py``; the preparations (goodbye, settling affairs, hoarding means, a height) in
``preparations.py`` and ``means.py``.
"""
from __future__ import annotations

from core.crisis.lexicon.family import Family

DISAPPEAR = Family(
    "disappear", "wanting to disappear",
    """A passive wish not to exist: to vanish, to sleep and not wake up, never to have been
    born, to be forgotten, not to be there any more. 好想消失, 真想人间蒸发, 希望大家都忘了我,
    不想醒来, 睡着了就不要醒了, 一觉睡过去再也不醒, 永远睡下去就好了, 真希望自己从来没有出生过,
    要是我明天就不在了, 就当我没来过, 好想删除自己; "I want to disappear", "I'd rather not
    exist", "I hope I don't wake up", "go to sleep and never wake up", "I wish I was never
    born", "if I just vanished". A wish with 永远/彻底 (想永远消失) is a crisis. Not here: 消失
    一会儿, 早上睡不醒, "disappear into my bed for the weekend".""",
    crisis=("(?<![不没别])<wish>…(永远|彻底)(地)?(消失|不存在|蒸发)",),
    review=(
        "(?<![不没别])<hope>……<vanish>",
        "(消失|蒸发|不存在)(了)?(就好了|算了|了就好|吧|最好|掉最好|掉就好|该多好|多好|也好|也没关系)",
        "(不想|不愿意|不愿|懒得)(再)?(存在|醒来|醒过来|睁开眼|睁眼|面对明天)", "一睡不醒",
        "从…(生活|世界|视线|记忆)(里|中)?(彻底)?消失",
        "(一觉|睡过去|睡着|睡下去|闭上眼)…(不醒|别醒|不要醒|不用醒|醒不过来|再也不|不用再起来|不要再起来)",
        "(别|不要|不用|再也不|永远不)(再)?醒(来|过来)?(了|就好了|吧)", "睡到永远",
        "(没有|没)(出生|来过这个世界)(过)?(就好了)?", "(从来|根本)?(没有|没|不该)(被)?生(下)?(我|出来)",
        "永远(地)?(睡(?![到懒个好])|休息|安静|沉睡|闭上眼)", "要是我…不在了", "我不在了(以后|之后|的话)?",
        "我…(应该|可能|就|已经)…不在了", "(如果|要是|假如)(我|没有我)……(不存在|不在|消失)",
        "(删除|抹掉|注销|删掉)(掉)?自己", "就当我没(来过|存在过)", "(没人|不会有人)(会)?(记得|发现|注意到)我",
        "(要是|如果|假如|哪天|万一)我……(不见|消失|不在|没了|死了)(了)?", "(明天|未来|以后)(都)?不(想)?要了",
        "(不想|不要|不想要)(再)?(有)?(明天|未来)(了)$", "我(也)?(没有|不会有)(以后|明天|未来)(了)?(?!的)", "没(什么|啥)(好|可|值得)?期待的(了)?", "这辈子(也)?就这样了",
        "(我)?(也)?活不(长|久)了",
        "不会(再)?有…的我(了)?", "(也)?不用再(存在|呼吸|醒|被人需要)",
        "(?<![不没别])<hope>……睡(很久很久|好久好久|很久|到永远|不醒)", "一直一直睡", "(醒不来|不醒|醒不过来)(也)?(挺好|就好了|也好|更好|多好)", "(dont|do not) want to be here( anymore)?$", "(never|not|didnt|did not) (had|have) me",
        "(sorry|apologi(s|z)ing|apologi(s|z)e) for (existing|being alive|being born|being me)",
        "(我)(消失|不在|死|走)(了)?…(解决|少)…(问题|麻烦)", "(暂停键|暂停)…(永久|永远)",
        "(hope|wish|pray) (i )?(get sick|get hit|have an accident|dont recover|never recover|get cancer|catch something)",
        "(希望|但愿|盼着)(我)?(能)?(得|出|生)(个|场)?(大病|绝症|车祸|意外)", "future (where|with) (i|me|im)…(in it|alive|around)",
        "(everyone|they|people|you all)( would|ll| will|d) (move on|forget (me|about me)|get over it)",
        "(我)?以后(就)?(再也)?(用|拍|穿|看|玩|弹|骑|听)不(了|上|着|到)了",
        "(回到|去)(我)?<kin>(身边|那里|那儿)~(走了|去世|不在)", "(和|跟|与)这个世界和解",
        "could (just )?(disappear|vanish|be gone|die)~(nobody|no one|wouldnt|would keep going|like nothing"
        " happened|would (even )?notice)", "(?<![不没别])<hope>……(睡过去|一觉睡过去|长睡|睡死过去)",
        "(希望|但愿|盼着|巴不得)…明天(不会|不要|别)(再)?(来|到来)", "(不要|别)(再)?有明天",
        "(死了|走了|不在了|消失了|没了)(都|也)?…(没人|没有人|不会有人|谁)(会)?(在意|在乎|哭|难过|伤心|发现|想我"
        "|记得)", "(明天|以后)(就)?(不用|不要|别)(再)?(叫|等|找|喊)我(了)",
        "(反正|过几天|很快)…(我)?(也)?不会(再)?(在这里|在这儿|在了)(了)?",
        "(没人|没有人|不会有人)(会)?(为我)?(哭|难过|伤心)(的)?",
        "what if i (just )?(didnt|did not|never|dont) (wake up|come back|exist)",
        "not (be|being) here anymore", "(didnt|did not|never) wake up (tomorrow|again)",
        "人生…(提前)?(下车|退场|谢幕|落幕|杀青)", "提前(谢幕|退场|下车|离场)", "(自己|我)的?(电池|电量)…(用完|耗尽|充不上|没电)",
        "(意外|车祸|疾病|病|雷|天灾|老天)…带走我", "带走我(吧)?$", "希望…(撞|劈|砸|带走)(死)?我",
        "(hope|wish|pray)…(hit me|kill me|take me|happens to me)", "(checking|check|logging|log|signing) (out|off)"
        " (for good|permanently|forever)", "game over for me", "my time(s| is) up$", "(peaceful|nice|easier|better|good) (it would be )?to (just )?"
        "(not exist|disappear|vanish|be gone|not wake up|sleep forever|stop existing)",
        "(i )?<hope_en>…<vanish_en>", "(stop|quit) existing", "(id|i would) rather (not (exist|be here"
        "|be alive|be around)|be dead)",
        "(dont|do not|never) want to (wake up|exist)(?!_?(early|late|at|before|till|until))",
        "(dont|wont|never|not) wak(e|ing) up( again| tomorrow)?(?!_?(early|late|at|in time"
        "|before|till|until|on time))",
        "go(ing)? to sleep (and never wake up|forever|permanently)",
        "sleep (forever|permanently)", "wish i (was|were|had been) never born",
        "wish i (didnt|did not) exist", "if i (just )?<gone_en>", "if im gone", "when im gone",
        "be around (much|for much|any) longer", "not like (ill|i will|im going to) be (here|around)",
        "(cant|cannot|dont) see (any|a) future for (myself|me)",
        "(easier|better|simpler) if i (just )?(wasnt|werent|was not|were not) (here|around|alive)",
        "(no one|nobody) would (even )?(notice|care|miss me) if i",
    ),
    gap=5,
)

BURDEN = Family(
    "burden", "being a burden",
    """Seeing oneself as a weight on others, who would be better off without one.
    我就是个累赘, 我是家里的包袱, 不想再拖累家人, 我只会连累身边的人, 没有我他们会更好,
    要是没有我爸妈就不用这么辛苦, 我活着就是给家里添麻烦, 拖油瓶; "I'm a burden", "I'm just a
    drain on everyone", "everyone would be better off without me", "they'd be happier if I
    was gone", "they won't have to deal with me much longer".""",
    review=(
        "(我|自己)……(是|成了|只是|算|变成了|当|就是|不过是)(个|一个|大家的|家里的|这个家的)?……<burden_n>",
        "(我|自己)(这个|这种|这样的)<burden_n>",
        "(?<![不])(拖累|连累|害了|耽误|拖垮|害苦)(了)?…<others>",
        "(没有|没了|少了|失去)(了)?我~<better>", "(我|活着)……(给|让|害)……<others>…(添|增加|带来|受)"
        "(了)?(麻烦|负担|痛苦|罪|累)", "我(是|就是|真)?(多余|多余的)(?!时间|钱)",
        "不会(再)?(麻烦|打扰|拖累|连累)(任何人|别人|你们|大家)", "(只会|只能)(给|让)…(添|带来)…(麻烦|负担)",
        "(我|自己)……(只会|总是|一直在)(拖累|连累|麻烦|拖后腿)(别人|大家|家里|你们|所有人|身边的人)",
        "(im|i am|ive been|i feel like|im just|being) (such |just |only |nothing but |always )?(a )?"
        "<burden_en>", "nothing but a <burden_en>",
        "better off without me", "(better|happier|easier|lighter|simpler|cheaper|calmer|freer)…"
        "without me", "(better|happier|easier|lighter|simpler|cheaper|fine|freer) if i (just )?<gone_en>",
        "deserves? (so much |way )?better than (me|having to deal with me)",
        "(soon|after (tonight|this|today)) (she|he|they|you|everyone|nobody) (wont|will not|doesnt"
        "|wouldnt) have to", "(不|不再|别)(再)?占(着)?(地方|位置|空气|资源)", "浪费(空气|粮食|资源|钱)",
        "(再也不用|不用再|不必再)(为我)?(烦|管|担心|照顾|操心|养|忍受|花钱)(我)?(了)",
        "(让|还)(他们|你们|家里|爸妈|大家|家人)(一个)?(轻松|解脱|清净|自由)",
        "(还)?不如(没有|没)(我|生我|生下我)", "被我(拖累|连累|害|拖垮)", "deserves? (someone|something|a (son|daughter"
        "|kid|child|friend|roommate)) better", "(活着|存在)…浪费", "(我|活着)…(对谁|对任何人|对大家|对家里)(都)?(没|没有)(好处|用|意义|帮助)",
        "(没有|没了)我(的话)?~(他们|你们|爸妈|家里|大家)…(能|会|就)(少|不用|更)",
        "(给|让)(你们|大家|家里|爸妈|别人|家人)(添|带来)(了)?…(麻烦|负担)", "(theyd|they would|everyone would|theyll)"
        " be better off$", "(save|saved|spend|spent)…(without me|if i (wasnt|werent|was gone|were gone|died))", "(world|everyone|everybody|they|my family"
        "|my parents|people)…(fine|better|happier|easier|ok|okay)…without me",
        "我(走了|不在了|死了|没了|消失了)…(你们|他们|大家|家里|爸妈)…(就)?(清静|清净|轻松|解脱|开心|好过|省心|松(一)?口气)",
        "(would|will|d) (honestly |probably |really |just |all )?be better off( without me)?$",
        "(wont|will not) be (a|your|their|anyones) (problem|burden)( for (you|them|anyone))? (much longer|soon"
        "|anymore|for long)", "(白养|养我)…(亏|白养|浪费|不值)", "(都是|全是)(因为|怪)我",
        "(我|我的存在)……(添堵|添乱|拖后腿|扯后腿)", "(everyone|everybodys|everyones|the) problem$",
        "(tired of|sick of) being (everyones|everybodys|a|the) (problem|burden)", "(im|i am) the problem",
        "(relieved|a relief) if i (was|were|wasnt|werent|just)",
        "(wont|will not|dont|not|never|wouldnt|would not) have to (deal with|worry about|take care of"
        "|pay for|put up with|carry) me( anymore| any more| much longer)?",
        "(wont|will not) be a (problem|burden) (for|to) anyone", "(save|spend) (so much|less|more) if i",
        "(one less|no more) (thing|mouth|problem|burden|worry)…(if i|without me|when im)",
        "(drag|dragging|holding|weighing) <others_en> down", "all i do is (drain|hurt|burden|disappoint)",
    ),
)

NO_POINT = Family(
    "no_point", "no point in living",
    """Life has lost its meaning. 活着没意思, 人生没有盼头, 一切都没有意义, 活着到底为了啥, 我找不
    到继续下去的理由, 不知道还有什么值得我活下去, 这破日子我真的过够了, 没什么可留恋的了; "there's
    no point anymore", "what's the point of waking up", "nothing to live for", "life is just
    pointless", "I don't see why I should keep going". (没有活下去的理由 and "no reason to
    live" are intent.) Not here: 这门课没意义, "what's the point of this meeting".""",
    crisis=("没有(活下去|活着|继续活)的(理由|意义|必要|勇气|动力)",
            "(找不到|没有|想不出|看不到)(任何|一个)?(活下去|活着|继续活)(下去)?的(理由|意义|动力)"),
    review=(
        "<life>(都|也|真的|到底|还|对我来说|本身|已经)?……<lack>(任何|什么|一点)?<meaning>(了)?",
        "活着……(没意思|没意义|没有意思|没有意义|没什么意思|有什么意思|有什么意义|为了什么|干什么"
        "|就是个笑话|就是受罪|受罪|折磨|太累了|好累|真累)",
        "(一切|什么|人生|生活|这一切|所有|活着)(都)?(没|没有|毫无)(什么)?意义(了)?",
        "(找不到|没有|想不出|看不到)(任何|一个)?(继续|坚持|撑|熬)(下去)?的(理由|意义|必要|动力)",
        "没(有)?(意义|必要|理由)(再)?(坚持|继续|撑|活)", "(日子|人生|生活|这辈子)…(过够了|受够了|到头了|没盼头)",
        "活着(是)?(为了|图|干|为)(啥|什么|了什么|嘛|个啥)", "(活着|每天|这样|循环|日复一日)…图(个)?(啥|什么)",
        "都(没|没有|毫无)(什么)?意义了$", "(不知道|不明白|想不通)(为什么|为啥)(还)?要?活(着|下去)", "不想(再)?(撑|坚持|继续|熬|挣扎)(下去)?了",
        "(日子|生活)…(过不下去|没法过|过不了)(了)?", "(为什么|为啥|凭什么)(还|还要|要)(活着|活下去|继续活)", "^(已经)?(都)?(没有|没)(什么|任何)?意义了$", "(每天|起床|睁眼|醒来)…(有什么|没有|没)(什么)?(意义|意思)",
        "why (i should|should i) (bother|keep going|get up|wake up|go on)",
        "(不知道|找不到|没有)(还有)?(什么|任何)?理由(再)?(撑|坚持|活|熬|继续)(下去)?",
        "(不知道|不明白|想不通)(坚持|活着|努力|存在|活下去)(的)?意义(是什么|在哪|何在)",
        "nothing (really )?(matters|is worth it) (anymore|any more)", "why (bother|even) (waking up|getting up|living"
        "|trying)",
        "how much longer i can (keep|go on|do this|hold on|take)", "(not doing|done with|done doing) (this )?life",
        "(so|then|and) why (keep going|bother living|go on|keep living|even try)",
        "(日子|生活|人生|活着)…(一点|一丝)?(意义|意思|盼头)(都|也)(没有|没)", "(熬到|活到)什么时候(是个头|才是头)",
        "(什么时候|哪天)(才)?是个头", "看不到(自己|我)?(有)?(任何|一点)?(未来|以后|明天)",
        "no reason (for me )?to (be here|stay|exist|keep going)", "(dont|do not) (have|see) (a|any) reason to"
        " (stay|be here|keep going|exist)", "(done|finished) trying$", "(吃|活|过|待|撑|熬|用)不了几天(了)", "(wont|will not) be (around|here|alive) to",
        "(wont|will not) need (it|them|this|that|any of (it|this)) after (this|next|tonight|today|sunday|friday)",
        "(wont|will not) be (here|around)~or anywhere", "我(也|都)不在了", "decided~(this is )?(my )?last (week|day|night)",
        "(<soon>)(可能|大概|怕是)?(就)?(撑不住|撑不下去|熬不过去)(了)", "没(什么|有)?遗憾(了)$",
        "(told|tell) (my )?(therapist|counsell?or|counselor|doctor|mom|parents|everyone|them) (im|i am) (fine"
        "|okay|ok|better)~(not|actually|but|really)", "跟(咨询师|医生|老师|爸妈|他们|大家|辅导员)说我(好多了|没事|好了)~(其实|但)",
        "(one|bus|train) that (doesnt|does not|never) come(s)? back", "(看完|去了|走了|出去)(就)?(再也)?不(会)?回来(了)", "(活着|人生|日子|生活)(真|好|太|也)?没劲",
        "(life|my life|living|existence) (has|holds) no (meaning|point|purpose)",
        "(im|i am) done (waiting|trying|fighting|pretending|with (everything|it all|this life))", "(没有|没什么|有什么|还有什么|不知道还有什么)…值得(我)?…"
        "(活|活下去|留恋|坚持|期待)", "我存在的意义", "过够了$", "(没什么|没有什么|不值得|没有)…留恋",
        "(看不到|撑不到|熬不到|过不了|活不过)(下周|明天|下个月|期末|下学期|明年|这个冬天|毕业)",
        "不(打算|想)(再)?(过|熬)…(了)", "不想再熬(下去)?(了)?",
        "(no|not any|isnt any|theres no|see no|dont see (the|any)|cant see the) point (anymore"
        "|any more|in (living|life|going on|trying|anything|being here|continuing|waking up"
        "|getting up|existing))",
        "(whats|what is) (even )?the point (of|in) (living|life|going on|being alive|waking up"
        "|getting up|existing|anything|any of (this|it)|trying anymore)",
        "(whats|what is) (even )?the point( of (anything|trying))?( anymore)?$",
        "nothing (left )?to live for", "nothing (matters|is worth it) (anymore|any more)",
        "(life|living|existing|everything|my life) (is|feels|seems) (so |just |completely |totally )?"
        "(pointless|meaningless|not worth (it|living))",
        "(done|tired|sick) (with|of) (life|living|everything|being alive|existing)", "(only|one) way out",
        "dont see the point (of|in) (anything|living|life)",
        "(dont|do not|cant|cannot) see (why|how) (i should|i can|to|i would) (keep going|go on"
        "|carry on|keep living|continue|keep trying)",
        "(why|what) (do|should|would) i (even )?(keep going|go on|keep living|live|exist)$", "nothing left (for me|here for me)", "what am i (even )?(living|here) for",
    ),
)

FAMILIES = (DISAPPEAR, BURDEN, NO_POINT)
