"""The crisis lexicon (core/crisis/lexicon/): every family in Chinese and English, both tiers,
the topic context, hyperbole and harmless phrases.

Each case is one message on its own (no conversation); the conversation rules are in
test_crisis_assess.py. The folding is the production one (OpenCC, pypinyin).
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.crisis.folding import OpenccFolding
from core.crisis.assess import CrisisAssessor, Verdict
from core.crisis.matcher import FAMILIES

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
ASSESSOR = CrisisAssessor(folding=OpenccFolding(), classifier=None)
C, R, N = Verdict.CRISIS, Verdict.REVIEW, Verdict.NONE

#: (text, verdict, the family behind the verdict or of the weak signal)
CASES: list[tuple[str, Verdict, str]] = [
    # intent
    ("我想死", C, "intent"), ("好想自杀", C, "intent"), ("不想活了", C, "intent"),
    ("打算这周末结束自己的生命", C, "intent"), ("活不下去了", C, "intent"),
    ("不如我先自己死了", C, "intent"), ("最近有轻生的念头", C, "intent"),
    ("每次洗澡都想把自己淹死", C, "intent"), ("今天我就去死 不用找我", C, "intent"),
    ("I want to die", C, "intent"), ("i'm going to kill myself", C, "intent"),
    ("I'm gonna end it all", C, "intent"), ("honestly i dont wanna live anymore", C, "intent"),
    ("i'm done. ending it tonight", C, "intent"), ("I've been feeling suicidal", C, "intent"),
    ("he says he wants to kill himself", C, "intent"), ("生不如死", R, "intent"),
    ("kms", R, "intent"), ("having suicidal thoughts", R, "intent"),
    # the topic named
    ("自杀", R, "topic_word"), ("suicide", R, "topic_word"), ("zisha", R, "topic_word"),
    # method
    ("想跳楼", C, "method"), ("打算今晚割腕", C, "method"), ("好想从图书馆顶楼跳下去", C, "method"),
    ("我刚才吞了一整板安眠药", C, "method"), ("I just took a whole bottle of pills", C, "method"),
    ("i'm going to jump off the bridge", C, "intent"), ("跳楼", R, "method"),
    ("烧炭", R, "method"), ("overdose", R, "method"),
    # self-harm
    ("我又开始自残了", C, "self_harm"), ("昨天又割了自己，好几道", C, "self_harm"),
    ("I cut myself again", C, "self_harm"), ("self harmed again, i cant stop", C, "self_harm"),
    ("s/h relapse. 3 months clean", C, "self_harm"), ("自残", R, "self_harm"),
    ("self-harm", R, "self_harm"), ("I hurt myself playing basketball", R, "self_harm"),
    # violence
    ("室友再偷我东西，我就杀了他", C, "violence"), ("我想把宿舍那几个人都毒死", C, "violence"),
    ("谁惹我我就砍谁", C, "violence"), ("他必须死", C, "violence"), ("同归于尽", C, "violence"),
    ("I will kill them all", C, "violence"), ("i want to stab my roommate", C, "violence"),
    ("i'm bringing a knife to his office, to class", C, "violence"), ("杀人", R, "violence"),
    ("给我等着", R, "violence"), ("kys", R, "violence"), ("watch your back", R, "violence"),
    # disappear
    ("想从这个世界上彻底消失", C, "intent"), ("好想消失", R, "disappear"),
    ("睡着了就不要醒了", R, "disappear"), ("真希望自己从来没有出生过", R, "disappear"),
    ("I want to disappear", R, "disappear"), ("i hope i don't wake up tomorrow", R, "disappear"),
    ("go to sleep and never wake up", R, "disappear"), ("wish i was never born", R, "disappear"),
    # burden
    ("我就是个累赘", R, "burden"), ("不想再拖累家人", R, "burden"),
    ("没有我他们会轻松很多", R, "burden"), ("I'm such a burden", R, "burden"),
    ("everyone would be better off without me", R, "burden"),
    # goodbye
    ("这是我的遗言", C, "goodbye"), ("永别了", R, "goodbye"), ("再见了各位", R, "goodbye"),
    ("谢谢大家这些年的照顾", R, "goodbye"), ("goodbye forever", R, "goodbye"),
    ("this is my last message", R, "goodbye"),
    # settle_affairs
    ("遗书已经写好了，放在桌上", C, "settle_affairs"), ("交代后事", R, "settle_affairs"),
    ("把东西都送人了", R, "settle_affairs"), ("I wrote my will", R, "settle_affairs"),
    ("giving away my things", R, "settle_affairs"),
    # hoard_means
    ("药我已经攒够了", R, "hoard_means"), ("囤了好多安眠药", R, "hoard_means"),
    ("木炭已经买好了", R, "hoard_means"), ("saving up pills", R, "hoard_means"),
    ("bought rope today", R, "hoard_means"),
    # height
    ("半夜一个人坐在楼顶", C, "height"), ("站在天台上往下看", R, "height"), ("站在天台上想跳下去", C, "height"),
    ("我现在在天台上", R, "height"), ("I'm on the roof", R, "height"),
    ("standing at the edge of the bridge", C, "height"),
    # no_point
    ("活着没意思", R, "no_point"), ("一切都没有意义了", R, "no_point"),
    ("没有意义再坚持下去了", R, "no_point"), ("there's no point anymore", R, "no_point"),
    ("what's the point of living", R, "no_point"), ("没有活下去的理由", C, "no_point"),
    # relief
    ("解脱", R, "relief"), ("一了百了", R, "relief"), ("死了就解脱了", C, "relief"),
    ("be free forever", R, "relief"), ("I want it all to stop", R, "relief"),
    # another_world
    ("想去天堂找奶奶", C, "another_world"), ("去另一个世界", R, "another_world"),
    ("see you on the other side", R, "another_world"),
    # a plan (where, when, how) turns review wording into a crisis
    ("好想消失，地方我都选好了", C, "disappear"),
    # follow-ups that make sense on their own
    ("决定了，今晚", R, "followup"), ("i've made up my mind, tonight", R, "followup"),
    ("只能用我这条命来还了", R, "followup"),
    # weak signals: no verdict
    ("好累", N, "exhaustion"), ("撑不住了", N, "exhaustion"), ("崩溃了", N, "exhaustion"),
    ("好绝望", N, "hopelessness"), ("看不到希望", N, "hopelessness"),
    ("I feel hopeless", N, "hopelessness"), ("我好没用", N, "worthlessness"),
    ("i'm worthless", N, "worthlessness"), ("好孤独", N, "loneliness"),
    ("no one cares about me", N, "loneliness"), ("i just feel empty", N, "low_mood"),
]


@pytest.mark.parametrize(("text", "verdict", "family"), CASES, ids=[c[0][:30] for c in CASES])
def test_family_and_tier(text: str, verdict: Verdict, family: str) -> None:
    a = ASSESSOR.assess(text, now=NOW)
    assert a.verdict is verdict, (a.why, a.findings)
    behind = [f.family for f in a.findings if f.tier is verdict]
    assert family in behind, (a.why, a.findings)
    for f in a.findings:
        if f.start >= 0:
            assert f.matched_text == text[f.start:f.end]


#: Wording none of the lists above spells out: each family caught by its structure (a wish,
#: the first person, a negation or a plan, a few characters from one of its word lists).
GENERALISED: list[tuple[str, Verdict, str]] = [
    # disappear: <hope> ... <vanish>, a conditional absence, a morning not wanted
    ("我真想从地球上蒸发掉", R, "disappear"), ("好希望大家都把我忘了", R, "disappear"),
    ("要是明早醒不来也挺好", R, "disappear"), ("如果我哪天不见了，应该没人会发现", R, "disappear"),
    ("i'd rather not exist honestly", R, "disappear"),
    ("lowkey hoping i don't wake up tmrw", R, "disappear"),
    ("it'd be so peaceful to just not exist", R, "disappear"),
    # burden: the first person and a burden word, others better off without
    ("我活着只会给爸妈添负担", R, "burden"), ("我这种人只会连累身边的人", R, "burden"),
    ("要是没有我，爸妈就不用这么辛苦了", R, "burden"), ("我在家里就是个无底洞", R, "burden"),
    ("i'm nothing but a weight on everyone", R, "burden"),
    ("things would be simpler for my family if i wasn't in the picture", R, "disappear"),
    ("my parents would save so much money without me", R, "burden"),
    # goodbye: finality, thanks for the years, care for those left
    ("这可能是我最后一条朋友圈了", R, "goodbye"), ("妈 以后照顾好自己 别为我难过", R, "goodbye"),
    ("love you all. sorry for everything. goodbye", R, "goodbye"),
    ("you probably won't hear from me after tonight", R, "goodbye"),
    ("it was good knowing all of you", R, "goodbye"),
    # settling affairs: giving things away, passwords, pets, letters
    ("我的游戏账号送你了，密码在备忘录里", R, "settle_affairs"),
    ("把我攒的钱都转给我妹了", R, "settle_affairs"), ("狗狗以后就交给你养了", R, "settle_affairs"),
    ("emailed my sister all my passwords just in case", R, "settle_affairs"),
    ("i want you to have my guitar, i won't be playing it", R, "settle_affairs"),
    # hoarding means: a means word and a collecting, buying or "enough" word
    ("这半年每次开药都留一点", R, "hoard_means"), ("网上下单了两包木炭，还有胶带", R, "hoard_means"),
    ("药我一直偷偷存着，差不多够了", R, "hoard_means"),
    ("i've been stockpiling my meds for a few weeks", R, "hoard_means"),
    ("ordered charcoal online, not for a bbq", R, "hoard_means"),
    # a height: a high place and being there, looking down, the wind
    ("我爬到了教学楼顶上，下面的人好小", R, "height"), ("坐在阳台栏杆上，腿悬在外面", R, "height"),
    ("十八楼的窗户打开了，往下看好高", R, "height"),
    ("sitting on the railing of the overpass right now", R, "height"),
    ("it's so windy up here on the roof", R, "height"),
    # a plan word or a time with a way of dying (a jump from a height) is a crisis
    ("我已经决定了，今晚就从楼顶跳下去", C, "method"), ("我准备明晚去桥上跳", C, "method"),
    ("今晚我就去江边跳下去", C, "method"), ("planning to jump from the roof tomorrow", C, "intent"),
    # no point: a life word, a lack and a meaning word
    ("人生没有任何盼头了", R, "no_point"), ("每天醒来都不知道活着为了啥", R, "no_point"),
    ("我找不到任何继续下去的理由", R, "no_point"), ("life is just pointless now", R, "no_point"),
    ("what's even the point of waking up anymore", R, "no_point"),
    # relief, another world
    ("好想让这一切永远停下来", R, "relief"), ("等我走了，就再也不用痛了", R, "relief"),
    ("death would be such a relief", C, "relief"), ("soon none of this will hurt anymore", R, "relief"),
    ("想去天上陪外公", C, "another_world"), ("下辈子投个好胎吧", R, "another_world"),
    ("i'll be with my mom again soon, she's been gone two years", R, "another_world"),
]


@pytest.mark.parametrize(("text", "verdict", "family"), GENERALISED,
                         ids=[c[0][:30] for c in GENERALISED])
def test_generalised_family_and_tier(text: str, verdict: Verdict, family: str) -> None:
    test_family_and_tier(text, verdict, family)


@pytest.mark.parametrize("text", [
    "周末去江边烧烤，木炭买好了", "坐在天台上吃西瓜 好惬意", "站在楼顶拍了张夕阳", "我的衣服谁要谁拿 我要买新的了",
    "宿舍的窗户关不上 风很大", "我想一直睡 周末不要闹钟", "这门课真没意义", "我奶奶在老家，周末回去见她",
    "这个游戏我要重开一局", "i'm on the roof terrace for the party", "bought charcoal for the bbq",
    "the view from the bridge is amazing", "please take care of my plants while i'm on vacation",
    "i hope i don't wake up early tomorrow", "is the canteen on the 2nd floor open tonight",
    "i wish i could just disappear into a book all day", "i stockpiled snacks for finals",
])
def test_near_misses_of_the_generalised_families_are_none(text: str) -> None:
    a = ASSESSOR.assess(text, now=NOW)
    assert a.verdict is N, (a.why, a.findings)


@pytest.mark.parametrize(("earlier", "text"), [
    ("活着好累", "药已经买齐了"), ("好绝望", "你们别找我了"), ("没人在乎我", "今晚之后就都结束了"),
    ("我撑不住了", "地方都选好了"), ("我不想再这样了", "我现在站在窗边"), ("好累 不想说话", "数了一下 三十多片"),
    ("i feel so hopeless", "it's happening tonight"), ("i can't take it anymore", "don't try to find me"),
    ("nobody cares about me", "i've picked the spot"), ("i'm so tired of everything", "i took them all"),
])
def test_follow_up_cues_after_distress_are_a_crisis(earlier: str, text: str) -> None:
    first = ASSESSOR.assess(earlier, now=NOW)
    assert first.verdict is not C and first.state is not None and first.state.level >= 1
    assert ASSESSOR.assess(text, now=NOW, state=first.state).verdict is C
    assert ASSESSOR.assess(text, now=NOW).verdict is not C  # on its own, not a page


def test_every_family_is_exercised_and_documented() -> None:
    names = {f.name for f in FAMILIES}
    assert names - {"serious", "plan"} <= {family for _, _, family in CASES + GENERALISED}
    for family in FAMILIES:
        assert len(family.about) > 60 and family.label, family.name
        assert family.crisis or family.review or family.weak or family.cue, family.name


@pytest.mark.parametrize("text", [
    "我想死，真的，不是开玩笑", "i want to die", "I'm going to unalive myself",
    "好想从宿舍楼顶跳下去", "我想把自己嘎了 认真的",
])
def test_clear_intent_is_a_crisis(text: str) -> None:
    assert ASSESSOR.assess(text, now=NOW).verdict is C


# ------------------------------------------------------------------ topic context

@pytest.mark.parametrize("text", [
    "今天心理课讲了自杀干预的方法", "新闻里说某地有个人跳楼了", "在写小说 主角是个想自杀的高中生",
    "看了部电影 主角最后自杀了", "our psych lecture covered suicide prevention today",
    "the movie where he wants to kill himself", "游戏里要杀了他们",
    "朋友跟我说“不想活了” 我要当真吗", "my girlfriend has been self harming, how do i support her",
])
def test_topic_context_without_the_first_person_is_review(text: str) -> None:
    a = ASSESSOR.assess(text, now=NOW)
    assert a.verdict is R, (a.why, a.findings)


def test_topic_context_with_the_writers_own_intent_stays_a_crisis() -> None:
    a = ASSESSOR.assess("心理课讲了自杀，我也想自杀", now=NOW)
    assert a.verdict is C and a.why == "explicit intent: 想自杀"
    assert ASSESSOR.assess("that lecture on suicide, i want to kill myself", now=NOW).verdict is C


# ------------------------------------------------------------------ hyperbole, harmless

@pytest.mark.parametrize("text", [
    "笑死我了", "累死了，今天跑了三个部门", "饿死了，食堂几点开门", "热死了", "这题难死了", "烦死了",
    "我想死你了！", "超市跳楼价大甩卖", "这网速慢得我想死 哈哈", "体测跑完感觉自己要去世了",
    "I'm dying of laughter", "This homework is killing me", "I'm dying to know my results",
    "dead tired after the night shift", "考完试终于解脱了",
    "紫砂壶多少钱", "这个弹窗来自杀毒软件", "周末玩狼人杀", "电脑死机了", "帮我砍一刀",
    "I want to diet", "the skill you need", "kill the lights at 11", "I ran 10 kms today",
])
def test_hyperbole_and_harmless_phrases_are_none(text: str) -> None:
    a = ASSESSOR.assess(text, now=NOW)
    assert a.verdict is N, (a.why, a.findings)


@pytest.mark.parametrize("text", ["笑死了，但我真的想死", "累死了，不想活了", "跳楼价大甩卖，我穷得想跳楼"])
def test_clear_intent_beside_hyperbole_still_counts(text: str) -> None:
    assert ASSESSOR.assess(text, now=NOW).verdict is C


def test_third_person_hyperbole_about_trouble_is_not_a_threat() -> None:
    assert ASSESSOR.assess("早课翘了 完蛋 辅导员要杀了我", now=NOW).verdict is N
    assert ASSESSOR.assess("英语听力放那么快 是想杀了我吗", now=NOW).verdict is N


@pytest.mark.parametrize("text", [
    "我要去跳远比赛", "今晚要去天台看流星", "我准备好了考试", "决定了，明天去考研", "东西都收拾好了，明天回家",
    "今天是最后一天交作业", "这是最后一次提醒", "以后不联系了", "我走了，你记得锁门",
    "我先走一步了，你们慢慢吃", "wifi密码写在门上", "医生给我开了安眠药", "买了木炭准备烧烤",
    "绳子买好了，明天晒被子", "他要杀了我，我作业没交", "我妈会打死我的", "打死我也不去", "你去死吧哈哈",
    "我要死了，好困", "我今天死定了", "解脱了，论文交了", "我想消失一会儿，出去旅游", "想永远睡到自然醒",
    "what's the point of this assignment", "this exam will be the death of me",
    "I could kill for a coffee", "my phone is dying", "going to the hardware store tonight",
    "kill it at the interview", "see you on the other side of the exam lol",
    "切菜的时候不小心割了手", "我用刀切菜", "蹦极要跳下去了好怕", "今天骑车差点死掉", "笑到差点去世",
    "我要去那边买东西", "我们要干掉他们拿冠军", "昨晚半夜在江边散步", "不想活在别人的期待里",
    "I'm going to overdose on coffee before the exam",
])
def test_ordinary_messages_are_none(text: str) -> None:
    a = ASSESSOR.assess(text, now=NOW)
    assert a.verdict is N, (a.why, a.findings)


def test_violence_in_a_game_is_review_even_in_the_first_person() -> None:
    a = ASSESSOR.assess("这个游戏里我要杀了他们", now=NOW)
    assert a.verdict is R and "topic context" in a.why
    # ... but a class is no game: a threat against a class stays a crisis
    assert ASSESSOR.assess("i'm bringing a knife to class", now=NOW).verdict is C
