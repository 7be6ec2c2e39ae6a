"""News agencies credited in German bylines: lower-case credit -> the agency's own spelling."""

AGENCIES = {
    "dpa": "dpa", "afp": "AFP", "ap": "AP", "reuters": "Reuters", "kna": "KNA", "epd": "epd",
    "apa": "APA", "sda": "sda", "sid": "SID", "dts": "dts", "dpa-afx": "dpa-AFX", "afx": "dpa-AFX",
    "ddp": "ddp", "idea": "idea", "ots": "ots", "bloomberg": "Bloomberg", "ansa": "ANSA",
    "keystone-sda": "Keystone-SDA", "kathpress": "Kathpress", "efe": "EFE", "xinhua": "Xinhua",
    "tass": "TASS", "interfax": "Interfax", "yonhap": "Yonhap", "kyodo": "Kyodo",
}
