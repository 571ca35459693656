"""Death as a way out: relief from pain, and a journey to another world or to the dead.

Each pairs a part that says what is wished or expected (``<hope>``, 死了/走了 ... 就, a
"when I'm gone") with the family's words (``vocab.py``): the end of pain, a place beyond,
a loved one who has died. Review on its own; with a wish or death named, a crisis.
"""
from __future__ import annotations

from core.crisis.lexicon.family import Family

RELIEF = Family(
    "relief", "death as relief",
    """Death seen as a way out. 解脱, 一了百了, 永远解脱, 死了就解脱了, 只有离开才能彻底解脱,
    等我走了就再也不用痛了, 好想让这一切永远停下来, 就这样结束吧; "death would be a relief", "I
    just want it all to stop forever", "I'm ready to let go", "soon it'll all be over and I
    won't hurt anymore". 终于解脱了 after an exam is hyperbole (``modifiers.py``).""",
    crisis=("死(了)?~(就|才)…(解脱|不用再|不会再|一了百了|什么都不用|轻松|自由)",
            "(只有|只能)(去)?死(了)?(才|才能)", "(?<![不没别])<wish>…(一了百了|永远解脱)",
            "(death|dying|being dead) (would|will|is going to) be (such )?(a )?(relief|release"
            "|freedom|mercy|blessing)"),
    review=(
        "解脱(?!.{0,10}(论文|考试|作业|期末|答辩|ddl|放假|下班|交了|考完))", "一了百了",
        "(再也|永远)(不用|不会|不必)(再)?(痛|疼|难受|煎熬|受罪|受苦|挣扎|面对|撑|醒)",
        "(一切|这一切|就这样|都)…结束(吧|了吧)", "(彻底|永远)(结束|安静|解脱|自由|休息)",
        "(一切|所有)(都)?会结束(的|了)", "(?<![不没别])<hope>…(永远|彻底)(地)?(摆脱|逃离|离开|结束)", "摆脱这一切", "(要是|如果|假如|哪天)……(就|才)(能)?(解放|解脱|一了百了|轻松了|自由了)",
        "(被车撞|出(个)?车祸|得(个)?绝症|出(个)?意外|飞机失事|地震)……(就好了|多好|该多好|解放|解脱|算了|也好)",
        "(ill|i will|im gonna|ill finally) (finally )?be free (of|from)", "(走了|死了)…就(不会|不用)(再)?(疼|痛|难受|累|苦)",
        "结束(了)?…(就)?(不会|不用)(再)?(痛|疼|难受|累|苦)", "(none of (this|it)|nothing) (will|would|can)"
        " (hurt|matter) (me )?(anymore|any more)", "(finally )?(get|have|find) (some )?peace"
        " (on the other side|at last|finally)", "(finally|at last) (rest|sleep|be free)$",
        "(走了|死了|离开|不在了|离开了)(就|以后|之后|才)…(不用|不会|解脱|轻松|自由|安静|一了百了|结束)",
        "(只有|只能)(离开|走|消失)(才|才能)", "(?<![不没别])<hope>……(这一切|一切|所有|痛苦)……(永远|彻底)?"
        "(停|停下来|停止|结束|消失|了结)", "(让|把)(这一切|一切|痛苦)(都)?(永远|彻底)(停|结束|消失)",
        "be free (forever|(of|from) (everything|it all|this|the pain))", "(finally|forever) at peace",
        "end (the|this|my) (pain|suffering)( forever| for good)?", "(peace|rest) forever",
        "(want|need|wish) (it all|everything|the pain|this|it|all of it|the suffering|the noise|my"
        " (brain|head|mind)) to (stop|end|be over|go away|go quiet|shut up|go dark)", "ready to (finally )?(let go|rest|be at peace|be free)",
        "(it|this|everything)( will|ll)? (all )?be over soon", "(fix|end|solve) (it|this|everything)"
        " permanently", "(wont|will not|never) (hurt|suffer|feel (anything|this)) (anymore|again"
        "|any more)", "(rest|sleep) (in peace|for good|for ever)", "(death|dying) (sounds|feels|seems)"
        " (like )?(a )?(relief|peaceful|nice|better)",
    ),
)

ANOTHER_WORLD = Family(
    "another_world", "going to another world",
    """Death as a journey to somewhere else or to someone who has died. 去另一个世界, 去天上陪外公,
    去那边找我妈, 下辈子投个好胎, 想重开了, 去见太奶了 (a meme: review); "see you on the other side",
    "I'll be with mom again soon", "I'll join grandma in heaven", "hoping the next life is
    kinder". With a wish (想去天堂找奶奶) it is a crisis. Not here: 周末回去见奶奶, "my grandma is
    visiting", 重开一局 (a game).""",
    crisis=("(?<![不没别])<wish>…(去|到|上)<beyond>",
            "(?<![不没别])<wish>…(去|到|上)(那边|地下|天上)(找|陪|见)",
            "(i )?(<want>|<going>)…(join|be with|see) (my )?<kin_en> (in heaven|again soon"
            "|up there|on the other side)"),
    review=(
        "(另一个|另外一个)世界", "(去|到|在|上)(<beyond>|那边|天上|地下)(去)?(找|陪|见|等|和|跟|团聚|报到|报道)",
        "(去|到)那边(找|陪|见)", "下辈子(再)?(见|做|投胎|投个好胎|再也不|不要)", "来(生|世)(再)?(见|做)",
        "(那边|那个世界|天堂|另一边)…(没有|不会有|不用)…(痛苦|烦恼|难过|疼|考试)",
        "(变成|成为|成了|化作)(天上的)?(星星|一颗星)", "(走|去世|离开)(的时候|了以后|之后|了)~(去|快去|要去)(陪|找)",
        "这辈子(就)?(先)?(到这|到此|到这里|就这样)(吧|了)",
        "(go|be) where (my )?<kin_en> (is|went)", "too much to stay (here|alive|around)",
        "(早点|快点|很快|马上)…(去)?(见|陪|找)(到)?<kin>", "<kin>…(在)?那边…(孤单|等我|一个人|冷)", "死了(就)?(能|可以)(见到|看到|见)",
        "(go home|be) (to|with) (my )?<kin_en>~(passed|died|gone|wherever|in heaven|up there)", "想去<kin>(在的|去的|待的)地方",
        "(ill|i will|im gonna|i ll) be with (my )?<kin_en> (soon|again soon)",
        "on the other side$", "想去(找|陪|见)(我)?<kin>~(走|去世|不在)", "(走了|去世|不在了)~想去(找|陪|见)",
        "(ready to|want to|going to|gonna) (go )?(see|be with|join) (my )?<kin_en> again", "(去了|到了)(那边|天堂|天上|另一个世界)~(见到|见|陪)",
        "(来世|下辈子|来生)~不(想|要)(再)?(做人|当人|投胎)", "不想再做人(了)?",
        "(去|想)见(太奶|太奶奶|太姥姥|祖宗|阎王|马克思|孟婆)", "(?<![不没别])<hope>…(投胎|转世|重开|重启人生"
        "|重新来过|重来一次|下辈子)", "投(个)?好胎",
        "see (you|u) on the other side(?!_?of)", "in (my|the) next life",
        "(next|another|other) (life|world) (is |will be |would be |might be )?(kinder|better|easier)",
        "the other side (is|would be|will be|must be) better",
        "(a )?better place", "join (my )?<kin_en> in heaven",
        "(be|go be|be reunited) with (my )?<kin_en> again", "(see|join|meet) (my )?<kin_en> (again )?"
        "(up there|in heaven|on the other side)", "somewhere (where )?(none of this|nothing) (hurts|matters)",
    ),
)

FAMILIES = (RELIEF, ANOTHER_WORLD)
