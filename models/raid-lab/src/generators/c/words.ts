// The word lists of generator C, in the order its draws index them (a change of order changes every trace).

/** A list packed into one string, `sep` between the items (long lists stay a few lines long). */
const list = (sep: string, ...parts: string[]): readonly string[] => parts.join('').split(sep);

/** Adjectives of word-style names. */
export const ADJ = list(
  ' ',
  'sleepy crispy tiny lazy cosmic silent happy wild frozen golden lucky fuzzy salty spicy ',
  'neon lost chill soft shy dark bright mellow rusty swift sunny quiet velvet retro lunar ',
  'solar crimson misty hollow brave tired bouncy sneaky electric astral gentle feral cursed ',
  'holy cozy grumpy',
);
/** Nouns of word-style names, stems and vanity codes. */
export const NOUN = list(
  ' ',
  'panda fox moon star cat wolf dragon potato noodle cookie ghost bean frog owl tiger pixel ',
  'nova shadow storm river cloud waffle pickle mochi raven bunny otter comet ember falcon ',
  'lemon pepper sushi boba turtle koala phoenix blade knight wizard slime goose toast ',
  'penguin spark echo byte glitch mango cactus sprout biscuit hamster meteor rogue sniper ',
  'bard lynx yeti kraken',
);
/** First names. */
export const FIRST = list(
  ' ',
  'emma liam olivia noah ava lucas mia ethan sofia mateo chloe jake sam alex jordan maria ',
  'diego yuki hana kenji minjun jiwoo wei ling arjun priya omar fatima ahmed leila ivan ',
  'olga dmitri anna lukas lena pierre camille giulia marco joao ana carlos lucia tom ben ',
  'chris katie ryan zoe nina kai leo max ella aisha kofi amara tuan linh mehmet elif sven ',
  'freya tyler brandon jess nathan grace daniel',
);
/** Last names. */
export const LAST = list(
  ' ',
  'smith johnson garcia silva kim lee chen wang nguyen patel khan muller rossi dubois ',
  'kowalski ivanov santos tanaka sato park brown jones miller lopez martin novak yilmaz ',
  'larsen oconnor reyes walker hughes',
);
/** Emoji of display names. */
export const EMOJI = list(
  ' ',
  '✨ 🌙 🔥 💀 🌸 🍓 ⭐ 🎮 🐸 🦊 💫 🖤 🌈 🍀 👑 😈 🥀 ☁️ 🍄 🐱 ⚡ 🎧 🌊 🍕 🧃 🦋 💜 🩵 🌻 🐾',
);
/** A newcomer's greetings. */
export const GREET = list(
  '|',
  'hi|hello!|hey guys|hey|hii|yo|hello everyone|heyy|sup|hi all 👋|👋|hello :)|',
  'hey! just joined|whats up|hola|bonjour|hallo|привет|こんにちは|hii im new|hey everyone!|',
  'hi im new here|hello 👋|heyo|hai|hi guys|yo whats good|hello friends|',
  'hi! found this on disboard|hii :3|hey hey|good evening everyone|hello there|Hi!|hey :D|',
  'oi|olá pessoal|hi 😊|sup guys|howdy',
);
/** Short chat lines. */
export const CHAT = list(
  '|',
  "lol|lmao|gg|true|same|anyone wanna play?|who's on tonight|did the update drop yet|",
  "that's crazy|nah|yeah|bruh|good morning|gn everyone|wait what|💀|😭|ok|fr|no way|nice|ty|",
  "omg|what time is the event|can someone help me with something|i'm so tired|brb|back|",
  "ngl that's kinda cool|congrats!!|W|L|real|hahaha|he's cooking|check pins|link?|anyone up|",
  'same tbh|lets gooo|rip|idk|it works now thanks|is the server down?|how do i get the role|',
  'who wants to vc|that was close|oh nice|i think so|mood|this is fine|based|ratio|',
  'good night|morning|who pinged me|what did i miss|bro what|yessss|hmm|ok but why|lol same|',
  'oop|thats actually so good',
);
/** Longer chat lines. */
export const CHAT_LONG = list(
  '|',
  "i've been trying to beat that boss for like three hours now and i'm losing my mind|",
  'does anyone know if the event is this weekend or next one|',
  'just finished the new episode, no spoilers but WOW|',
  'my internet keeps dropping every time i join vc|',
  'can a mod check the suggestions channel when they get a chance|',
  "what's everyone's favorite build right now|",
  'i made some fanart, gonna post it in the art channel|',
  'anyone else getting that weird error on login?|heading to work, see you all later|',
  'thank you all for being so nice when i joined',
);
/** Non-Latin display names with the Latin username their owners pick. */
export const NONLATIN: readonly (readonly [string, string])[] = list(
  ' ',
  'さくら=sakura ゆうき=yuuki 太郎=taro ハルト=haruto 민준=minjun 서연=seoyeon 지우=jiwoo 小明=xiaoming ',
  '李华=lihua 王芳=wangfang Саша=sasha Дмитрий=dmitry Катя=katya Алексей=alexey محمد=mohammed ',
  'ليلى=layla أحمد=ahmad สมชาย=somchai Νίκος=nikos राहुल=rahul प्रिया=priya יעל=yael ',
  'Đức=duc Łukasz=lukasz José=jose Ömer=omer Мария=mariya ネコ=neko 하늘=haneul 陈静=chenjing ',
  'Αθηνά=athina Zoë=zoe Björn=bjorn ひなた=hinata Владимир=vova',
).map((p) => {
  const [name = '', latin = ''] = p.split('=');
  return [name, latin] as const;
});
