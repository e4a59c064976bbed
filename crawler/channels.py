"""The site's channels (codes and names from SITE.md; 'cdxw' name is a guess)."""

CHANNELS: dict[str, str] = {
    "scxw": "四川新闻",
    "glgj": "国内国际",
    "bwbd": "本网报道",
    "tpxw": "图片新闻",
    "szjj": "市州聚焦",
    "spxw": "视频新闻",
    "szbd": "时政报道",
    "zxjzzsc": "中新记者在四川",
    "gatq": "港澳台侨",
    "gsbd": "公司报道",
    "zcdt": "政策动态",
    "cjbd": "财经报道",
    "ylss": "娱乐时尚",
    "hwmtksc": "海外媒体刊四川",
    "shms": "社会民生",
    "lyxw": "旅游新闻",
    "whty": "文化体育",
    "shfw": "生活服务",
    "kjws": "科教卫生",
    "fctt": "房产头条",
    "scyw": "市场要闻",
    "cdxw": "成都新闻",
}


def channel_name(code: str | None) -> str | None:
    return CHANNELS.get(code) if code else None
