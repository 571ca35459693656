"""What changes a finding's weight: topic context, hyperbole, harmless phrases, the first
person.

* **Topic context**: the message is about a course, the news, a film, a game, a paper or a
  training, or asks how to help someone else. A crisis finding there without the writer's
  own first person (我, "I", "my") becomes review: 心理课讲了自杀的案例 and "the movie where
  he kills himself" are seen by the crisis team, never ignored and never paged at night.
  心理课讲了自杀，我也想自杀 stays a crisis. Violence in a game, film or story is review
  even in the first person (游戏里我要杀了他们).
* **Hyperbole**: everyday exaggeration built on 死 or "kill"/"die". A finding that overlaps
  one is dropped, so 笑死我了, 累死了, 热得要死, 跳楼价, "dying of laughter" and "this exam is
  killing me" are "none"; a clear intent elsewhere in the same message still counts
  (笑死了，但我真的想死).
* **Harmless**: phrases that contain crisis characters but mean something else (紫砂壶,
  杀毒软件, 狼人杀, 死机, 来自杀毒). A finding that overlaps one is dropped.
"""
from __future__ import annotations

TOPIC: tuple[str, ...] = (
    "心理课", "心理健康课", "课上", "课程", "这门课", "上课(讲|说|学|讨论)", "公开课", "选修课", "通识课",
    "讲座", "(老师|教授)(讲|说)(了)?", "新闻", "报道", "热搜", "电影", "电视剧", "剧里", "剧情",
    "纪录片", "(日|韩|美|国|这部|那部|追)剧", "(女|男)主", "动漫", "漫画", "小说", "这本书", "书里",
    "书中", "读书报告", "游戏(里)?", "论文",
    "课题", "调研", "问卷", "案例", "志愿者", "志愿(活动|服务)", "培训", "文章", "科普", "(主角|角色)",
    "歌词", "预防(自杀|轻生)", "(自杀|轻生)预防", "危机干预",
    "(course|class|lecture|seminar|workshop|module)", "(news|headline|article|report)",
    "(movie|film|show|series|episode|documentary|anime|manga|novel|book|character|lyrics"
    "|song)", "(game|gaming|paper|essay|thesis|research|study|survey)",
    "(training|volunteer(ing)?)",
    "(suicide )?(prevention|awareness)",
    # asking how to help someone else
    "(应该|该|要)怎么(办|做|报告|处理|帮|劝|聊|判断|安慰|跟)", "我该怎么", "要当真吗", "怎么判断",
    "how (do|can|should) i (help|support|talk|respond|report|approach)", "what should i (do|say)",
)

#: Fiction and games: where even first-person violence is play (a subset of TOPIC's words).
FICTION: tuple[str, ...] = (
    "游戏(里)?", "电影", "(电视|日|韩|美|国|这部|那部|追)剧", "剧里", "剧情", "小说", "动漫", "漫画",
    "(主角|角色)", "(狼人|三国|剧本)杀", "(game|gaming|movie|film|show|series|episode|novel|anime"
    "|manga|character|story|fiction|minecraft|fortnite|valorant|lol match)",
)

HYPERBOLE: tuple[str, ...] = (
    "笑死", "(累|饿|热|冷|困|忙|烦|气|吓|难|丑|渴|晒|闷|无聊|尴尬|羡慕|痛|疼|撑|美|帅|可爱|穷|急"
    "|馋|蠢|卷|尬|酸|吵|臭|贵|咸|辣|挤|慢|晕)(死)(了|我了|人了|啦|我啦|人|宝宝了|爹了|个人)?",
    "(得|到)要死", "(慢|热|难|烦|累|困|饿|吵|卷|冷|无聊|尴尬|丑|贵|气)(得|到)(我)?(都)?想死",
    "(要|快|当场|原地|差点|差一点|笑到|笑得)(就)?去世(了)?", "(快|要)(被)?(累|饿|困|热|冷|忙|烦|气|吓|晒|吵|卷|逼)死(了)?", "死定了",
    "想死在(空调房|空调|被窝|床上|家里|宿舍)", "跳楼(价|大甩卖|大减价|甩卖|大促|清仓|机)", "想死(你|你们|我)(了|啦)", "社死", "(考完|放假|下班|交了"
    "|写完|答辩完|毕业|结课|考完试|终于)…解脱",
    "dying (of|from) (laughter|laughing|embarrassment|boredom|cringe)", "dying (laughing|lol|lmao)",
    "dying to (know|see|try|go|meet|hear|get|eat|watch)", "(is|are|was|its|it is) killing me",
    "kill(ing|ed)? (it|time|the lights|the vibe|two birds)", "dead tired", "(bored|scared|worried)"
    " to death", "(lol|lmao|haha) (im|i am) dead", "(im|i am) (so )?dead (lol|lmao|haha)",
    "killed myself laughing", "(gonna|going to) die (lol|lmao|haha)",
    "overdos(e|ed|ing) on (coffee|caffeine|sugar|chocolate|memes|anime|tiktok)",
    "(rather|prefer to) (die|be dead) than", "(unalive|kill|off) (myself|me) (lmao|lol|lmfao|jk|haha)",
)

HARMLESS: tuple[str, ...] = (
    "紫砂(壶|锅|杯|茶|盆|器|煲)", "消失(一会(儿)?|一下|几天|一阵(子)?|一段时间|一(个)?(周|星期|月|天|晚|学期)"
    "|(几|两|三|半)(个)?(天|周|星期|月|小时))", "重开(一局|一把|游戏|存档|账号|号|一盘)",
    "(烧烤|烤肉|野炊|露营|火锅|烤串)~(木炭|炭|绳子)", "(早八|早课|闹钟|早起|起床|周一|上班)~(别醒|不想醒|不要醒)",
    "(disappear|vanish)(ing)? (into (my|the|a) (bed|room|blanket|books?|hoodie|void of tiktok|game|show)"
    "|for (a|the) (week|weekend|day|bit|while|few|month)|from (the )?group ?chats?)", "杀(毒|菌|虫|青|价|时间|手锏|疯|麻)", "砍价", "秒杀", "抹杀", "扼杀",
    "封杀", "击杀", "(狼人|三国|剧本)杀", "杀人游戏", "来自杀", "死(机|活|党|磕|线|神|角|板|心眼|胡同|循环"
    "|锁|记硬背|缠烂打|忠|宅)", "跳楼机", "割腕(表|带)", "(killer|suicide) (app|squad|bunny|run)",
    "die cast", "diecast", "(游戏|账号|专业|工作|学校|社团|前任|这个班|这门课)……留恋",
)

#: The writer speaking of themself, near a finding (``core/crisis/matcher.py``).
FIRST_PERSON: tuple[str, ...] = (
    "我(?!们|朋友|室友|舍友|同学|妈|爸|男朋友|女朋友|闺蜜|哥|姐|弟|妹)", "俺", "本人",
    "(i|im|ive|id|ill|me|myself|mine)", "my(?!_?(friend|girlfriend|boyfriend|roommate|roomie"
    "|sister|sis|brother|bro|mom|mum|dad|mother|father|parents|family|classmate|cousin))",
    "wo",  # 我 in pinyin

)
