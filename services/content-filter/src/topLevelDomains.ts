/**
 * Top-level domains that make a bare word.word a link ("example.com" without a scheme). With a
 * scheme any TLD counts; without one, only these: the common generic TLDs and the country codes
 * that are not also everyday file extensions (md, py, rs, sh, pl, ps, zip, mov are left out, so
 * "README.md" or "main.py" is not a link).
 */
export const BARE_DOMAIN_TLDS: ReadonlySet<string> = new Set(
  [
    // generic
    'com net org edu gov mil int info biz name pro mobi asia tel travel jobs museum aero coop',
    'io gg co me tv xyz app dev page online site store shop tech club live fun top icu vip win',
    'link click live stream games game gold money cash bet casino loan best life world today news',
    'blog wiki art studio space website host cloud email chat social network one ly',
    // country codes
    'ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs',
    'bt bw by bz ca cc cd cf cg ch ci ck cl cm cn cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg',
    'er es et eu fi fj fk fm fo fr ga gd ge gf gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr',
    'ht hu id ie il im in iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk',
    'lr ls lt lu lv ma mc mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni',
    'nl no np nr nu nz om pa pe pf pg ph pk pm pn pr pt pw qa re ro ru rw sa sb sc sd se sg si',
    'sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tw tz ua ug uk',
    'us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw',
  ]
    .join(' ')
    .split(' '),
);
