"""The English word lists the patterns share (the Chinese ones are in ``vocab.py``).

Apostrophes vanish on the skeleton ("don't" → "dont", "i'm" → "im"), so the lists write
words without them; a letter matches a run of itself ("sooo" is "so").
"""
from __future__ import annotations

MACROS_EN: dict[str, str] = {
    # A wish or plan that may be followed by a plain "die".
    "want": "(want(s|ed)?|wanna|wana|wish(ed)?|wish i could|ready to|plan(s|ned|ning)? (to|on)"
            "|decided to|thinking (about|abt|bout|of)|thought (about|abt|of)|think (about|abt)"
            "|tempted to"
            "|trying to|tried to|urge to|need to|going to try to|fantasi(z|s)ing about"
            "|(would|id) rather|longing to|cant stop thinking (about|abt)|obsessed with)",
    # "going to" and the like: followed only by the unmistakable <kill_self> (not "die":
    # "I'm gonna die lol" is everyday hyperbole).
    "going": "(going to|goin to|gonna|gona|will|about to|gotta|have to|try to|im going"
             "|fixing to|plan to|planning to|decided to|ready to|tryna)",
    "die_en": "(die|d e|be dead|not be alive|not be here anymore|stop living|not live anymore"
              "|not exist anymore|stop existing|st p existing|not be alive anymore)",
    "kill_self": "(kill(ing)? (myself|my self|meself|mysef)|end(ing)? (my|my own) life"
                 "|end(ing)? it( all)?(?!_?with)|end everything|end(ing)? things(?!_?with)"
                 "|tak(e|ing) (my|my own) life|commit(ting)? suicide|suicide"
                 "|unaliv(e|ing) (myself|me)|off(ing)? myself|yeet(ing)? myself"
                 "|hang(ing)? myself|slit(ting)? my (wrists?|throat)|overdos(e|ing)"
                 "|jump(ing)? off (a|the|this) (bridge|building|roof)"
                 "|jump(ing)? in front of a (train|car|bus)|walk(ing)? into the"
                 " (lake|river|sea|ocean|water)|walk off a (short )?(bridge|pier|cliff)"
                 "|tak(e|ing) (all|all of|every one of) (my|the|those|these) (pills|meds|tablets)"
                 "|swallow(ing)? (all|all of|every one of|the whole bottle|everything))",
    # A softer wish (hoping, praying) before a way of not being there.
    "hope_en": "(want(s|ed)? to|wanna|wish(ed)? (i could|to|i)?|hope|hoping|pray(ing)?|would rather"
            "|id rather|rather|just want to|need to|longing to|dream of|id love to|i could just"
            "|if only i could|let me|thinking (about|of)|think (about|of))",
    # Not being there: vanishing, sleeping for ever, never having been born.
    "vanish_en": "(disappear|vanish|fade away|fade out|not exist|stop existing|cease to exist"
              "|not be here|not be around|be gone|be erased|be forgotten|sleep forever"
              "|sleep and never wake up|(never (have to )?wake up( again)?|not wake up|dont wake up"
              "|wont wake up|not have to wake up)(?!_?(early|late|at|in_time|before|till|until|on_time"
              "|for))|didnt exist|did not exist|wasnt born|was never born"
              "|had never been born|never existed|be nothing|evaporate|dissolve|just be gone"
              "|not be alive|stop being|fall asleep (and|forever)|(hit )?pause (on )?existing)",
    # A burden: what the writer says they are to others.
    "burden_en": "(burden|drain|weight|waste of (my parents |their |everyones |my familys )?(space|oxygen|air"
                 "|money|time|life)|mistake"
                 "|parasite|leech|problem (for|to) everyone|disappointment to everyone"
                 "|liability|nuisance|dead weight|trouble (for|to) (everyone|the people))",
    "others_en": "(everyone|everybody|them|my (family|parents|mom|dad|mum|friends|sister|brother"
                 "|roommates?|partner|boyfriend|girlfriend)|people|you( all| guys)?|the world"
                 "|they|my folks)",
    "gone_en": "((wasnt|was not|werent|were not) (here|around|alive|in it)( anymore)?|was gone"
               "|were gone|didnt exist|did not exist|disappeared|vanished|died|left|was dead"
               "|were dead|stopped existing|wasnt in (their|the) (way|lives)|(wasnt|werent|was not) in the picture)",
    # A high place to fall from.
    "high_en": "(roof|rooftop|top floor|top of the (building|library|parking garage|garage|tower"
               "|stairs|stairwell|dorm|bridge)|ledge|edge of (the|a|this) (roof|building|bridge|cliff"
               "|platform|balcony)|bridge(?!_?(team|club|course|loan|program))|overpass|balcony|railing|cliff"
               "|parking (garage|structure|deck)|window ledge|windowsill|train tracks|tracks"
               "|platform edge|(?:[0-9]+)(st|nd|rd|th)? floor (window|balcony|ledge|roof)|tower)",
    # Means one could die by (pills only with a hoarding word).
    "means_en": "(pills|meds|medication|medicine|tablets|sleeping pills|painkillers|tylenol"
                "|paracetamol|acetaminophen|advil|ibuprofen|insulin|xanax|benzos|oxy|oxycodone"
                "|antidepressants|rope|charcoal|razor ?blades?|blades?|a gun|gun|bullets|poison"
                "|antifreeze|helium|bleach)",
    "means_buy_en": "(rope|charcoal|razor ?blades?|a gun|gun|bullets|poison|antifreeze|helium"
                    "|a noose)",
    "hoard_en": "(sav(e|ed|ing)|stockpil(e|ed|ing)|hoard(ed|ing)?|collect(ed|ing)?|stash(ed|ing)?"
                "|hid(e|den|ing)?|squirrel(ed|ing)? away|count(ed|ing)?|gather(ed|ing)?"
                "|kept|keep(ing)?|put aside|set aside|stor(e|ed|ing))",
    # Things one owns and may give away.
    "things_en": "(stuff|things|belongings|possessions|clothes|books|guitar|games|switch|laptop"
                 "|plants|jewelry|records|vinyls|art|sketchbooks|savings|money|car|bike"
                 "|console|ps5|xbox|camera|hoodie|jacket|phone|notes|shoes|headphones|keyboard"
                 "|monitor|necklace|ring|paintings|cat|dog|wardrobe|closet|whole wardrobe)",
    "pet_en": "(cat|cats|dog|dogs|pet|pets|plants|fish|hamster|bunny|rabbit|bird|turtle|snake"
              "|gecko)",
    "kin_en": "(grandma|grandpa|mom|dad|mum|mother|father|grandmother|grandfather|brother|sister"
              "|friend|him|her|nana|granny|gran|papa|baby|son|daughter|husband|wife|dog|cat)",
    # A harm verb against another person, and the person.
    "harm": "(kill|murder|stab|strangle)",  # "shoot you a message" is not a threat
    "person": "(him|her|them|you|u|everyone|everybody|all of (you|them|u)|people"
              "|my (roommates?|roomie|teacher|professor|prof|family|parents|mom|dad|ex|boss"
              "|tutor|classmates?|advisor|supervisor|stepdad|stepmom|stepfather|stepmother"
              "|brother|sister|boyfriend|girlfriend|husband|wife|father|mother|neighbou?r"
              "|bully|lab partner|partner|whole class)|that (guy|girl|teacher|bitch|bastard)"
              "|the (guy|girl|man|woman|person|people) who)",
    "water_en": "(river|lake|sea|ocean|water|bay|canal|pond|reservoir|harbou?r)",
    "tonight": "(tonight|today|tomorrow|this weekend|this week|right now|now|soon|on (monday"
               "|tuesday|wednesday|thursday|friday|saturday|sunday)|this (friday|saturday"
               "|sunday)|after (finals|exams|the semester|my birthday))",
}
