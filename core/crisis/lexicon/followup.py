"""Seriousness, a plan made, and follow-ups: what a message adds to distress said before it.

The follow-up family holds the short answers that say a decision is made, a time is set,
nobody should look for the writer. A cue counts only after earlier distress (the chat's
risk level) and only when it is most of the message; a decision with a time at the end of
a clause (决定了，今晚; "I've made up my mind, tonight") is review on its own.

Saying one is serious (不是开玩笑, "not a joke") or that a plan is made (地方都选好了, "I've
picked the day") turns review wording in the same message into a crisis (``amplifier``).
"""
from __future__ import annotations

from core.crisis.lexicon.family import Family

SERIOUS = Family(
    "serious", "said to be serious",
    """Saying one means it. With review wording in the same message it is a crisis (想去见
    太奶了，这次不是玩梗); on its own a cue (嗯 我是认真的). 不是开玩笑, 认真的, 说真的, 不是说说,
    不是气话; "not a joke", "I mean it", "dead serious", "not kidding".""",
    cue=("不是(开玩笑|玩梗|说说|玩笑|气话|在开玩笑)", "没(有)?(在)?开玩笑", "我是认真的", "(not a|no)"
         " (joke|meme)", "not (joking|kidding)", "i mean it", "(im|i am|dead) serious"),
    followup=True,
    amplifier=True,
)

PLAN = Family(
    "plan", "a plan made",
    """Saying that the when, where or how is settled. With review wording in the same message
    it is a crisis (真想一了百了，地方我都找好了); on its own a cue. 时间定好了, 地方都选好了,
    方法查好了, 已经决定了; "I've picked the day", "I have a plan", "it's all planned".""",
    cue=("(时间|日子|地点|地方|位置|日期|方法|办法|方式)(我)?(都|也)?(已经)?(定|选|找|挑|订|查|想|看)好(了)?",
         "(日子|时间)(就)?(定|选)在", "(已经|都)(决定|想好|计划好|定好|安排好|下定决心)(了)$",
         "(ive|i have|i|already) (picked|chosen|found|set|worked out|figured out|planned) (the|a"
         "|my) (spot|place|time|date|day|way|method|plan)", "i (have|got) a plan",
         "(ive|i have) (decided|made up my mind|made my decision)$",
         "(its|it is|its all) (all )?(planned|decided|set|arranged)$"),
    followup=True,
    amplifier=True,
)

FOLLOWUP = Family(
    "followup", "follow-up",
    """A short answer that says a decision is made: 我已经想好了, 想清楚了不会再改了, 决定了, 就今晚,
    就这周末吧, 今晚就去, 今晚之后就都结束了, 你们别找我了, 那我就如他们的愿吧, 我知道该怎么做了;
    "it's ready", "I've decided", "tonight", "it's happening tonight", "this is it for me",
    "don't try to find me", "sunday. that's when". A decision with a time (决定了，今晚; "I've
    made up my mind, tonight") or a life given to pay (只能用我这条命来还了) is review on its
    own; the rest count only as a follow-up.""",
    review=(
        "(决定|想好|准备好|安排好)(了)$ (就)?<soon>(就)?(吧|了|去)?$",
        "(decided|made up my mind|its ready|im ready)$ (<tonight>|its tonight)$",
        "doing it (tonight|today|tomorrow)", "(用|拿)(我)?(这条)?命(来)?(还|赔|抵)",
        "适合离开", "(想|决定)(好)?(了)?怎么(离开|走|结束)",
        "<soon>(之后|以后|过后)…(就)?(都|一切)(会)?(结束|清净|解脱|没关系|不重要)",
        "(wont|will not|doesnt|does not) matter after (tonight|today|this week|tomorrow)",
        "(i )?(know|found|figured out|worked out) (how|the way|a way) (to do it|im going to do it"
        "|ill do it|to end it|out)",
    ),
    cue=(
        "(已经|都)?(决定|想好|准备好|安排好|计划好|想清楚|想明白|想通|定好)了$", "就(今天|今晚|现在|这样|明天)(吧|了)?$",
        "<soon>(一早|早上|晚上|一大早)?就(去|做|动手|走)?(了|吧)?$", "<soon>动手(了|吧)?$",
        "(im|i am) going (tonight|now|today)$", "(im|i am) (going to|gonna) do it$",
        "(have|got) everything (ready|i need|set)", "(我)?(要|准备|这就)去做了$", "不想再等(了)?$", "那就不(做|活|撑|坚持)了$",
        "(今天|今晚|这|明天)(就)?是最后一(天|晚|次)(了)?", "^<tonight>$ (im|i am) sure$", "^(就)?(在)?<soon>(吧|了|见)?$", "如(他们|你们|他|她|你)的(愿|意)",
        "做了决定", "不再(多余|拖累|麻烦)", "(不会|不用)(太|很)?痛", "方法…(查|找|试)(过|好)了", "知道该怎么做了",
        "那就这样吧", "不会有人(难过|在乎|发现|想我)", "(清净|解脱|结束)了$", "(不会|不)(再)?(改|变|回头|后悔)(了)?$",
        "(之后|以后|过后)(就)?(都|一切)?(结束|清净|解脱|安静)(了)?", "那个(方法|决定|地方|念头)",
        "(这种|这个)(想法|念头)(越来越|特别|很|好)?(强烈|强)", "不(去)?想(明天|以后|未来)了", "已经流血了$",
        "(不想|不打算)(再)?(回|去)(任何地方|哪里)(了)?", "永远$",
        "(its|it is) (ready|time)$", "(im|i am) ready( now)?$", "(ive|i have) decided$",
        "made up my mind$", "^<tonight>$", "(tonights|tonight is) the night", "thats when$",
        "(going to|gonna) do it (<tonight>|this week|this weekend|soon)",
        "(make|made) it easy for them", "found (it|a way)$", "i mean it",
        "(its|it is) (happening|going to happen|gonna happen) (<tonight>)", "this is it( for me)?$",
        "(i )?know (how|what) (im going to|to|ill|i will) do", "(no|not) (turning|going) back",
        "after (tonight|today|this weekend|sunday|friday)…(over|gone|done|free)",
        "(wont|will not) be (here|around) (tomorrow|next week|much longer|after)",
        "(one|a) last (thing|time)$", "(theyre|they are|its|it is) getting (stronger|louder|worse)",
        "(彻底|永久|一劳永逸)(地)?(解决|了结)", "会结束(的|了)", "(就|都)(要)?结束了", "^<tonight>(s| is)? it$",
        "(想好|定好|选好|找好|看好)(了)?(在)?(哪|哪里|哪儿|地方|地点|时间|日子|方法)", "<soon>(之前|之后|以后)", "就差最后一步", "这次(不会|一定)(再)?(失败|失手|被发现|搞砸)",
        "(挑|选|等)(了)?(个)?…(没人|没有人)的(时候|地方)", "(等|趁)(室友|大家|他们|家里人)(都)?(走|睡|出去|回家|不在)",
        "想试试$", "this time i (wont|will not) (mess|screw|fail)", "^(ok )?(decided|its decided)$",
        "(later )?tonight when", "take care of (the|this) problem (myself|for)", "not for (much|very) longer",
        "(the )?right (night|time|day)$", "after everyone (goes|leaves|is asleep|goes to sleep)",
        "when (no one|nobodys|nobody is|everyone is) (around|home|asleep|gone)", "last thing( left)?",
        "(so )?(im|i am) starting to listen", "(ive|i have) made (my|the|a) (choice|decision)$", "过了<soon>…(就)?(都)?结束",
    ),
    followup=True,
)

FAMILIES = (SERIOUS, PLAN, FOLLOWUP)
