"""Word and phrase lists for the demo mail generator.

Called by :mod:`bparchive.demo.generator` only. The lists are the raw
material of a synthetic but realistic mailbox of a provincial department of
Bình Phước (see ``shared/domain``): agencies and their mailboxes (Điều 5 of
Quyết định 48/2009/QĐ-UBND), people, document types and reference symbols
(NĐ 30/2020), topics and the stock sentences of Vietnamese official letters.

Everything is a tuple so that iteration order is fixed. The text is written in
the "old" tone placement (``hòa``, ``Thủy``, ``Ủy ban``), which is the most
common in real mail; the generator converts some messages to the new style.
"""

from __future__ import annotations

DOMAIN = "binhphuoc.gov.vn"

# (mailbox, full name, symbol used in reference numbers, unit abbreviations)
AGENCIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("sotttt", "Sở Thông tin và Truyền thông", "STTTT", ("VP", "CNTT", "BCVT", "TTBCXB")),
    ("ubnd", "Ủy ban nhân dân tỉnh Bình Phước", "UBND", ("KGVX", "TH", "KT", "NC")),
    ("vpubnd", "Văn phòng UBND tỉnh", "VP", ("TH", "HCTC", "KSTTHC")),
    ("stnmt", "Sở Tài nguyên và Môi trường", "STNMT", ("VP", "QLĐĐ", "MT")),
    ("snv", "Sở Nội vụ", "SNV", ("VP", "TCBC", "CCVC", "VTLT")),
    ("stc", "Sở Tài chính", "STC", ("VP", "QLNS", "TCĐT")),
    ("skhdt", "Sở Kế hoạch và Đầu tư", "SKHĐT", ("VP", "TH", "ĐKKD")),
    ("sgddt", "Sở Giáo dục và Đào tạo", "SGDĐT", ("VP", "GDTrH", "KTKĐ")),
    ("syt", "Sở Y tế", "SYT", ("VP", "NVY", "KHTC")),
    ("sxd", "Sở Xây dựng", "SXD", ("VP", "QLXD", "QHKT")),
    ("sgtvt", "Sở Giao thông vận tải", "SGTVT", ("VP", "QLGT")),
    ("snnptnt", "Sở Nông nghiệp và Phát triển nông thôn", "SNN", ("VP", "KHTC", "TTBVTV")),
    ("sct", "Sở Công Thương", "SCT", ("VP", "QLTM")),
    ("stp", "Sở Tư pháp", "STP", ("VP", "PBGDPL", "HCTP")),
    ("sldtbxh", "Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", ("VP", "LĐVL", "BTXH")),
    ("svhttdl", "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", ("VP", "QLVH", "DL")),
    ("skhcn", "Sở Khoa học và Công nghệ", "SKHCN", ("VP", "QLKH")),
    ("ubnddongxoai", "UBND thành phố Đồng Xoài", "UBND", ("VP",)),
    ("ubndbinhlong", "UBND thị xã Bình Long", "UBND", ("VP",)),
    ("ubndphuoclong", "UBND thị xã Phước Long", "UBND", ("VP",)),
    ("ubnddongphu", "UBND huyện Đồng Phú", "UBND", ("VP",)),
    ("ubndbudang", "UBND huyện Bù Đăng", "UBND", ("VP",)),
    ("ubndlocninh", "UBND huyện Lộc Ninh", "UBND", ("VP",)),
    ("ubndhonquan", "UBND huyện Hớn Quản", "UBND", ("VP",)),
    ("ubndbugiamap", "UBND huyện Bù Gia Mập", "UBND", ("VP",)),
)

OWNER = AGENCIES[0]  # the mailbox being archived: sotttt@binhphuoc.gov.vn

# Senders outside the province (address, display name, symbol, unit).
EXTERNAL: tuple[tuple[str, str, str, str], ...] = (
    ("vanthu@mic.gov.vn", "Bộ Thông tin và Truyền thông", "BTTTT", "ƯDCNTT"),
    ("vanthu@moha.gov.vn", "Bộ Nội vụ", "BNV", "VP"),
    ("vanthu@chinhphu.vn", "Văn phòng Chính phủ", "VPCP", "KSTT"),
    ("ais@mic.gov.vn", "Cục An toàn thông tin", "CATTT", "VP"),
)

FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Đinh",
    "Lâm",
    "Châu",
)
MIDDLE_M = ("Văn", "Hữu", "Minh", "Quốc", "Đức", "Thanh", "Công", "Ngọc", "Xuân", "Hoàng")
MIDDLE_F = ("Thị", "Ngọc", "Thanh", "Thu", "Thị Thu", "Kim", "Thị Minh", "Hồng")
GIVEN_M = (
    "Bình",
    "Hùng",
    "Dũng",
    "Tuấn",
    "Khoa",
    "Hải",
    "Long",
    "Huy",
    "Hòa",
    "Trung",
    "Nhân",
    "Thành",
    "Hiếu",
    "Tùng",
    "Quý",
    "Thắng",
    "Phúc",
    "Toàn",
    "Khải",
    "Lộc",
)
GIVEN_F = (
    "Lan",
    "Hạnh",
    "Phương",
    "Thủy",
    "Thúy",
    "Nga",
    "Tâm",
    "Vy",
    "Thảo",
    "Hòa",
    "Hương",
    "Loan",
    "Trang",
    "Yến",
    "Nhung",
    "Oanh",
    "Khuê",
    "Liên",
)
POSITIONS = (
    "Chuyên viên",
    "Chuyên viên",
    "Chuyên viên",
    "Văn thư",
    "Phó Trưởng phòng",
    "Trưởng phòng",
    "Phó Giám đốc",
    "Chánh Văn phòng",
)

# Document types: (name, code). Code "" = công văn (NĐ 30/2020 gives it none).
DOC_TYPES: tuple[tuple[str, str], ...] = (
    ("Công văn", ""),
    ("Giấy mời", "GM"),
    ("Báo cáo", "BC"),
    ("Quyết định", "QĐ"),
    ("Tờ trình", "TTr"),
    ("Thông báo", "TB"),
    ("Kế hoạch", "KH"),
    ("Công điện", "CĐ"),
    ("Chỉ thị", "CT"),
    ("Hướng dẫn", "HD"),
    ("Biên bản", "BB"),
    ("Chương trình", "CTr"),
)

TOPICS: tuple[str, ...] = (
    "triển khai hệ thống thư điện tử công vụ",
    "tăng cường sử dụng hệ thống thư điện tử trong hoạt động của cơ quan nhà nước",
    "báo cáo tình hình ứng dụng công nghệ thông tin",
    "bảo đảm an toàn thông tin mạng",
    "đẩy mạnh cải cách hành chính",
    "triển khai chữ ký số chuyên dùng",
    "cấp chứng thư số cho cán bộ, công chức",
    "cung cấp thông tin phục vụ xây dựng Cơ sở dữ liệu cán bộ",
    "rà soát số liệu biên chế",
    "tổ chức tập huấn sử dụng phần mềm quản lý văn bản",
    "phòng cháy, chữa cháy rừng mùa khô",
    "thu hồi đất thực hiện dự án đường giao thông",
    "khen thưởng thành tích trong phong trào thi đua",
    "thi tuyển công chức",
    "kiểm tra công tác văn thư, lưu trữ",
    "phổ biến, giáo dục pháp luật",
    "cung cấp dịch vụ công trực tuyến mức độ 3, 4",
    "nâng cấp Cổng thông tin điện tử tỉnh",
    "xây dựng nông thôn mới",
    "hỗ trợ hộ nghèo, hộ cận nghèo",
    "bình ổn giá mủ cao su và hạt điều",
    "kế hoạch đầu tư công trung hạn",
    "sử dụng kinh phí sự nghiệp công nghệ thông tin",
    "đổi mật khẩu hộp thư công vụ",
    "triển khai Luật Bảo vệ bí mật nhà nước số 29/2018/QH14",
    "quản lý, sử dụng tài sản công",
    "tổ chức các hoạt động chào mừng ngày Quốc khánh 2/9",
    "giải quyết đơn thư khiếu nại, tố cáo",
    "hòa giải ở cơ sở",
    "phòng, chống dịch bệnh",
    "quản lý hoạt động bưu chính, viễn thông",
    "cấp giấy phép xuất bản bản tin",
    "đánh giá, xếp loại cán bộ, công chức, viên chức",
    "sáp nhập, tổ chức lại đơn vị sự nghiệp công lập",
    "số hóa hồ sơ, tài liệu lưu trữ",
    "phát triển hạ tầng thủy lợi",
    "quản lý an toàn thực phẩm",
    "xây dựng Chính quyền điện tử tỉnh Bình Phước",
    "chuyển đổi số",
    "thỏa thuận sử dụng hạ tầng kỹ thuật viễn thông thụ động",
)

EVENTS: tuple[str, ...] = (
    "họp giao ban tháng {m}/{y}",
    "Hội nghị tập huấn chuyển đổi số",
    "Hội nghị sơ kết 6 tháng đầu năm {y}",
    "Hội nghị tổng kết công tác năm {y}",
    "họp Ban Chỉ đạo Chính quyền điện tử tỉnh",
    "họp Hội đồng thẩm định hồ sơ",
    "buổi làm việc với Đoàn kiểm tra của Bộ Thông tin và Truyền thông",
    "lễ ra mắt Trung tâm Giám sát, điều hành thông minh",
    "họp góp ý dự thảo Quy chế quản lý, sử dụng hệ thống thư điện tử công vụ",
    "Hội thảo an toàn thông tin mạng",
)

SIGNERS = (
    "Trương Tấn Thiệu",
    "Nguyễn Văn Trăm",
    "Trần Tuệ Hiền",
    "Huỳnh Anh Minh",
    "Trần Văn Mi",
    "Lê Trường Sơn",
)

LAWS: tuple[tuple[int, str], ...] = (
    (2003, "Luật Tổ chức HĐND và UBND ngày 26/11/2003"),
    (
        2007,
        "Nghị định số 64/2007/NĐ-CP ngày 10/4/2007 của Chính phủ về ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước",
    ),
    (
        2008,
        "Chỉ thị số 34/2008/CT-TTg ngày 03/12/2008 của Thủ tướng Chính phủ về tăng cường sử dụng hệ thống thư điện tử trong hoạt động của cơ quan nhà nước",
    ),
    (
        2009,
        "Quyết định số 48/2009/QĐ-UBND ngày 22/10/2009 của UBND tỉnh ban hành Quy chế sử dụng hệ thống thư điện tử",
    ),
    (
        2011,
        "Nghị định số 43/2011/NĐ-CP ngày 13/6/2011 của Chính phủ quy định về việc cung cấp thông tin và dịch vụ công trực tuyến",
    ),
    (2015, "Luật Tổ chức chính quyền địa phương ngày 19/6/2015"),
    (2015, "Nghị quyết số 36a/NQ-CP ngày 14/10/2015 của Chính phủ về Chính phủ điện tử"),
    (2018, "Luật Bảo vệ bí mật nhà nước số 29/2018/QH14"),
    (2020, "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư"),
    (
        2020,
        "Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt Chương trình Chuyển đổi số quốc gia",
    ),
    (2022, "Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án 06"),
)

ACTIONS = (
    "khẩn trương tổ chức triển khai",
    "nghiêm túc thực hiện",
    "rà soát, cập nhật đầy đủ",
    "phối hợp chặt chẽ trong việc thực hiện",
    "chỉ đạo các phòng, ban chuyên môn triển khai",
    "quan tâm, tạo điều kiện thực hiện",
    "tổng hợp, báo cáo kết quả thực hiện",
    "bố trí cán bộ tham gia",
)

SENTENCES: tuple[str, ...] = (
    "Thực hiện {ref} về việc {topic}, {me} đề nghị các cơ quan, đơn vị {action} các nội dung sau:",
    "Căn cứ {law};",
    "Căn cứ chức năng, nhiệm vụ được giao, {me} {action} {topic} trên địa bàn tỉnh.",
    "Trong thời gian qua, việc {topic} đã đạt được một số kết quả nhất định, tuy nhiên vẫn còn một số tồn tại, hạn chế cần khắc phục.",
    "Đề nghị các cơ quan, đơn vị {action} và gửi báo cáo về {me} trước ngày {deadline} để tổng hợp, báo cáo UBND tỉnh.",
    "Các cơ quan, đơn vị chịu trách nhiệm bảo đảm tính chính xác của số liệu báo cáo.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh về {me} (qua {contact}) để được hướng dẫn, giải quyết.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước theo phân cấp hiện hành.",
    "Giao {me} chủ trì, phối hợp với các sở, ban, ngành và UBND các huyện, thị xã, thành phố theo dõi, đôn đốc việc thực hiện.",
    "Tỷ lệ văn bản được gửi, nhận qua hệ thống thư điện tử công vụ đạt {pct}%, tăng {pct2}% so với cùng kỳ năm trước.",
    "Toàn tỉnh hiện có {n} hộp thư điện tử công vụ đang hoạt động, trong đó có {n2} hộp thư của cơ quan, đơn vị.",
    "Văn bản điện tử gửi qua hệ thống thư điện tử có giá trị như văn bản giấy theo quy định tại Quy chế sử dụng hệ thống thư điện tử của tỉnh.",
    "Việc {topic} phải bảo đảm đúng quy định, công khai, minh bạch và hiệu quả.",
    "Cán bộ, công chức phải kiểm tra hộp thư điện tử ít nhất hai lần trong ngày, trước 9 giờ và trước 15 giờ.",
    "Đây là nhiệm vụ quan trọng, đề nghị Thủ trưởng các cơ quan, đơn vị quan tâm chỉ đạo thực hiện.",
    "Mọi ý kiến góp ý xin gửi về hộp thư {me_mail} hoặc liên hệ số điện thoại {phone}.",
    "Kết quả thực hiện là một trong những tiêu chí đánh giá, xếp loại thi đua cuối năm của các cơ quan, đơn vị.",
    "Đến nay đã có {n} thủ tục hành chính được cung cấp trực tuyến mức độ 3, 4, đạt {pct}% tổng số thủ tục.",
)

CLOSINGS = (
    "Trân trọng./.",
    "Rất mong nhận được sự quan tâm phối hợp của quý cơ quan./.",
    "Đề nghị các cơ quan, đơn vị nghiêm túc triển khai thực hiện./.",
    "Trân trọng kính mời./.",
    "Kính trình UBND tỉnh xem xét, phê duyệt./.",
)

COVER_NOTES = (
    "{me} gửi kèm theo đây {doc} để quý cơ quan biết và thực hiện.",
    "{me} trân trọng gửi {doc}. Văn bản giấy sẽ được gửi qua đường bưu điện.",
    "Văn thư {me} chuyển {doc} (đã gửi kèm theo văn bản điện tử).",
    "Kính chuyển {doc} để quý cơ quan nghiên cứu, góp ý.",
    "Gửi {doc}, đề nghị phản hồi trước ngày {deadline}.",
    "{me} gửi {doc} để báo cáo.",
)

REPLIES = (
    "Dạ, em đã nhận được văn bản. Em sẽ báo cáo lãnh đạo và phản hồi sớm.",
    "Cảm ơn anh/chị. Đơn vị đã nhận đủ hồ sơ, tài liệu kèm theo.",
    "Đề nghị bổ sung phụ lục số liệu theo mẫu, bên em chưa nhận được file đính kèm.",
    "Chúng tôi thống nhất với nội dung dự thảo, không có ý kiến bổ sung.",
    "Góp ý: đề nghị sửa lại căn cứ pháp lý tại phần mở đầu cho phù hợp với Nghị định số 30/2020/NĐ-CP.",
    "Đã chuyển lãnh đạo Sở cho ý kiến chỉ đạo. Trân trọng.",
    "Nhờ anh kiểm tra lại giúp, file PDF bị lỗi phông chữ không đọc được.",
    "Bên em xin gửi lại báo cáo đã chỉnh sửa theo góp ý.",
)

PERSONAL_SUBJECTS = (
    "Gửi anh tài liệu họp chiều nay",
    "Nhờ chị kiểm tra giúp số liệu",
    "Đề nghị cập nhật danh bạ thư điện tử",
    "Hỏi về việc cấp lại mật khẩu hộp thư",
    "Thông tin liên hệ cán bộ đầu mối",
    "Lịch trực cơ quan dịp nghỉ Tết Nguyên đán",
    "Góp ý nhanh file báo cáo",
)

MAILERS = (
    "Zimbra 8.8.15_GA_4484 (ZimbraWebClient - GC120 (Win)/8.8.15_GA_4481)",
    "Microsoft Outlook 16.0",
    "Mozilla Thunderbird 102.15.1",
    "Zimbra 8.0.6_GA_5922 (ZimbraWebClient - FF26 (Win)/8.0.6_GA_5922)",
)
