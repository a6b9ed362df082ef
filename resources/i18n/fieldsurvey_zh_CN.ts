<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdminPage</name>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Village populations</source>
        <translation>村人口</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Add a user…</source>
        <translation>添加用户…</translation>
    </message>
    <message>
        <source>Assign villages…</source>
        <translation>分配村…</translation>
    </message>
    <message>
        <source>Code valid for (minutes):</source>
        <translation>注册码有效期（分钟）：</translation>
    </message>
    <message>
        <source>Make an enrollment code</source>
        <translation>生成注册码</translation>
    </message>
    <message>
        <source>Revoke the device…</source>
        <translation>注销设备…</translation>
    </message>
    <message>
        <source>Set the rural population…</source>
        <translation>填写农村人口…</translation>
    </message>
    <message>
        <source>Verify the audit log</source>
        <translation>校验审计日志</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Villages</source>
        <translation>村</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>whole county</source>
        <translation>全县</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Enrolled</source>
        <translation>注册时间</translation>
    </message>
    <message>
        <source>Last sync</source>
        <translation>最近同步</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>已注销</translation>
    </message>
    <message>
        <source>active</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村</translation>
    </message>
    <message>
        <source>People in the roster</source>
        <translation>花名册人数</translation>
    </message>
    <message>
        <source>Rural population</source>
        <translation>农村人口</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Entered by</source>
        <translation>填写人</translation>
    </message>
    <message>
        <source>not entered</source>
        <translation>未填写</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作者</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <source>Choose a user first.</source>
        <translation>请先选择一个用户。</translation>
    </message>
    <message>
        <source>Enrollment code</source>
        <translation>设备注册码</translation>
    </message>
    <message>
        <source>Enrollment code for %1:

%2

Valid until %3, once. The laptop checks the county&apos;s key fingerprint:
%4

This code is shown only now.</source>
        <translation>%1 的设备注册码：

%2

有效期至 %3，只能使用一次。笔记本会核对县里的密钥指纹：
%4

注册码只显示这一次。</translation>
    </message>
    <message>
        <source>Choose a device first.</source>
        <translation>请先选择一台设备。</translation>
    </message>
    <message>
        <source>Revoke the device</source>
        <translation>注销设备</translation>
    </message>
    <message>
        <source>Revoke %1 of %2? It will no longer upload or download; its unsent work stays on the laptop.</source>
        <translation>注销 %2 的设备“%1”？注销后它不能再上传或下载；尚未上传的工作仍保留在笔记本上。</translation>
    </message>
    <message>
        <source>Choose a village first.</source>
        <translation>请先选择一个村。</translation>
    </message>
    <message>
        <source>The audit log is intact: %1 entries, each linked and signed.</source>
        <translation>审计日志完好：共 %1 条，逐条链接并签名。</translation>
    </message>
    <message>
        <source>The audit log has problems: %1</source>
        <translation>审计日志有问题：%1</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>Disable…</source>
        <translation>停用…</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Reset the password…</source>
        <translation>重设密码…</translation>
    </message>
    <message>
        <source>Lift the sign-in lock</source>
        <translation>解除登录锁定</translation>
    </message>
    <message>
        <source>End the session…</source>
        <translation>结束会话…</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来自</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>登录时间</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>最近使用</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>到期</translation>
    </message>
    <message>
        <source> (this session)</source>
        <translation>（本会话）</translation>
    </message>
    <message>
        <source>locked until %1</source>
        <translation>锁定至 %1</translation>
    </message>
    <message>
        <source>laptop only</source>
        <translation>仅用笔记本</translation>
    </message>
    <message>
        <source>Disable the user</source>
        <translation>停用用户</translation>
    </message>
    <message>
        <source>Disable %1? They are signed out at once, cannot sign in, and their laptops can no longer sync until the account is enabled again (their unsent work stays on the laptops).</source>
        <translation>停用 %1？该用户会立即被登出、不能再登录，其笔记本电脑也不能再同步，直到账号重新启用（未发送的工作仍保留在笔记本上）。</translation>
    </message>
    <message>
        <source>%1 may sign in again.</source>
        <translation>%1 可以重新登录了。</translation>
    </message>
    <message>
        <source>The password of %1 was changed; they were signed out.</source>
        <translation>%1 的密码已更改，其所有会话已结束。</translation>
    </message>
    <message>
        <source>Choose a session first.</source>
        <translation>请先选择一个会话。</translation>
    </message>
    <message>
        <source>This is your own session: sign out instead.</source>
        <translation>这是您自己的会话，请改用“退出登录”。</translation>
    </message>
    <message>
        <source>End the session</source>
        <translation>结束会话</translation>
    </message>
    <message>
        <source>End the session of %1 from %2? It is signed out at its next step.</source>
        <translation>结束 %1 来自 %2 的会话？该会话在下一步操作时即被登出。</translation>
    </message>
</context>
<context>
    <name>AmendmentDialog</name>
    <message>
        <source>Correct a finalized visit</source>
        <translation>更正已提交的走访</translation>
    </message>
    <message>
        <source>The finalized visit stays as it is. The correction starts from its answers as a new draft and records why. Reason for the correction:</source>
        <translation>已提交的走访记录保持不变。更正会以它的答案为起点新建一份草稿，并记录更正原因。更正原因：</translation>
    </message>
</context>
<context>
    <name>AssessmentCards</name>
    <message>
        <source>No assessment yet.</source>
        <translation>尚无评估。</translation>
    </message>
    <message>
        <source>All dimensions are met: the household meets the exit criteria.</source>
        <translation>各项均达标：该户符合脱贫标准。</translation>
    </message>
    <message>
        <source>Not met: %1</source>
        <translation>未达标：%1</translation>
    </message>
    <message>
        <source>Some dimensions are unknown: information is missing, so the household cannot be judged yet.</source>
        <translation>部分项目未知：信息不全，暂时无法判断。</translation>
    </message>
    <message>
        <source>Net income per person: %1 yuan</source>
        <translation>人均纯收入：%1 元</translation>
    </message>
    <message>
        <source>monitoring threshold %1 yuan</source>
        <translation>监测标准 %1 元</translation>
    </message>
    <message>
        <source>poverty line %1 yuan</source>
        <translation>贫困线 %1 元</translation>
    </message>
    <message>
        <source>policy year %1</source>
        <translation>政策年度 %1</translation>
    </message>
    <message>
        <source>Risks: %1</source>
        <translation>风险：%1</translation>
    </message>
    <message>
        <source>No relapse risk found.</source>
        <translation>未发现返贫致贫风险。</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
</context>
<context>
    <name>AssessmentPanel</name>
    <message>
        <source>Assessment at this visit</source>
        <translation>本次走访时的评估</translation>
    </message>
    <message>
        <source>Hide details</source>
        <translation>收起详情</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>展开详情</translation>
    </message>
</context>
<context>
    <name>CameraDialog</name>
    <message>
        <source>Take a photo</source>
        <translation>拍照</translation>
    </message>
    <message>
        <source>Take photo</source>
        <translation>拍摄</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Photo taken</source>
        <translation>已拍摄</translation>
    </message>
</context>
<context>
    <name>ChangePassphraseDialog</name>
    <message>
        <source>Change passphrase</source>
        <translation>更改密码短语</translation>
    </message>
    <message>
        <source>Current passphrase:</source>
        <translation>当前密码短语：</translation>
    </message>
    <message>
        <source>Enter the current passphrase.</source>
        <translation>请输入当前密码短语。</translation>
    </message>
    <message>
        <source>Changing… this takes a moment.</source>
        <translation>正在更改……请稍候。</translation>
    </message>
    <message>
        <source>Passphrase changed</source>
        <translation>密码短语已更改</translation>
    </message>
    <message>
        <source>The new passphrase is set. Use it the next time you unlock.</source>
        <translation>新密码短语已设置，下次解锁时请使用它。</translation>
    </message>
</context>
<context>
    <name>ConflictsPage</name>
    <message>
        <source>Open conflicts</source>
        <translation>待处理的冲突</translation>
    </message>
    <message>
        <source>Resolved conflicts</source>
        <translation>已处理的冲突</translation>
    </message>
</context>
<context>
    <name>CountLine</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>%1 shown</source>
        <translation>已显示 %1 条</translation>
    </message>
    <message>
        <source>%1 of %2 shown</source>
        <translation>已显示 %1 条，共 %2 条</translation>
    </message>
</context>
<context>
    <name>CountyConflicts</name>
    <message>
        <source>Raised</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <source>Household no.</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来自</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>已处理</translation>
    </message>
</context>
<context>
    <name>CountyHouseholds</name>
    <message>
        <source>Household no.</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>村民小组</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>人口</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>脱贫状态</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>户类型</translation>
    </message>
    <message>
        <source>Not met</source>
        <translation>未达标项</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>最近走访</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未走访</translation>
    </message>
</context>
<context>
    <name>CountyInbox</name>
    <message>
        <source>Received</source>
        <translation>接收时间</translation>
    </message>
    <message>
        <source>Secretary</source>
        <translation>书记</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Villages</source>
        <translation>村</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>记录数</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>已验证</translation>
    </message>
    <message>
        <source>not verified</source>
        <translation>未验证</translation>
    </message>
    <message>
        <source>Via</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>USB file</source>
        <translation>U盘文件</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>CountyLabels</name>
    <message>
        <source>administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>county staff</source>
        <translation>县级工作人员</translation>
    </message>
    <message>
        <source>first secretary</source>
        <translation>第一书记</translation>
    </message>
    <message>
        <source>merged</source>
        <translation>已合并</translation>
    </message>
    <message>
        <source>has conflicts</source>
        <translation>有冲突</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>已拒收</translation>
    </message>
    <message>
        <source>has issues</source>
        <translation>有问题</translation>
    </message>
    <message>
        <source>checked, no issues</source>
        <translation>已审核，无问题</translation>
    </message>
    <message>
        <source>not reviewed</source>
        <translation>未审核</translation>
    </message>
    <message>
        <source>household</source>
        <translation>户</translation>
    </message>
    <message>
        <source>member</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>assigned helper</source>
        <translation>帮扶责任人</translation>
    </message>
    <message>
        <source>assistance measure</source>
        <translation>帮扶措施</translation>
    </message>
    <message>
        <source>income</source>
        <translation>收入</translation>
    </message>
    <message>
        <source>visit</source>
        <translation>走访</translation>
    </message>
    <message>
        <source>member change</source>
        <translation>人员变更</translation>
    </message>
    <message>
        <source>applied</source>
        <translation>已应用</translation>
    </message>
    <message>
        <source>already so</source>
        <translation>无需更改</translation>
    </message>
    <message>
        <source>conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>added</source>
        <translation>已新增</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>已删除</translation>
    </message>
    <message>
        <source>both changed the field</source>
        <translation>这台笔记本修改的字段在县服务器上已被改过</translation>
    </message>
    <message>
        <source>edited after the county removed it</source>
        <translation>县里已删除该记录，笔记本又修改了它</translation>
    </message>
    <message>
        <source>removed after the county changed it</source>
        <translation>县里修改过该记录，笔记本又删除了它</translation>
    </message>
    <message>
        <source>household number already used</source>
        <translation>户编号已被使用</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>new households</source>
        <translation>新建农户</translation>
    </message>
    <message>
        <source>new records</source>
        <translation>新增记录</translation>
    </message>
    <message>
        <source>changes</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>removals</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>visits</source>
        <translation>走访</translation>
    </message>
    <message>
        <source>member changes</source>
        <translation>人员变更</translation>
    </message>
</context>
<context>
    <name>CountyPhotos</name>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>No photos of this household have reached the county.</source>
        <translation>县里还没有收到这一户的照片。</translation>
    </message>
</context>
<context>
    <name>CountyRosterPage</name>
    <message>
        <source>The county&apos;s roster</source>
        <translation>县里的花名册</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Uploading the roster…</source>
        <translation>正在上传花名册…</translation>
    </message>
    <message>
        <source>Checking every row…</source>
        <translation>正在逐行检查…</translation>
    </message>
    <message>
        <source>Imported %1 households with %2 members.</source>
        <translation>已导入 %1 户，共 %2 人。</translation>
    </message>
    <message>
        <source>Roster imported</source>
        <translation>花名册已导入</translation>
    </message>
    <message>
        <source>Importing the roster…</source>
        <translation>正在导入花名册…</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>保存检查报告</translation>
    </message>
    <message>
        <source>(not in the file)</source>
        <translation>（文件中没有）</translation>
    </message>
    <message>
        <source>Import the county&apos;s roster</source>
        <translation>导入县里的花名册</translation>
    </message>
    <message>
        <source>Choose the Excel (.xlsx) export of the county&apos;s roster (one row per person). Check the column for each field, then check the rows: every row that cannot be imported is listed with its reason. The import adds all households or, if any row is rejected, none.</source>
        <translation>请选择县里导出的花名册 Excel 文件（.xlsx，每人一行）。核对每个字段对应的列，然后检查全部行：不能导入的每一行都会列出原因。导入时要么全部户导入，要么只要有一行被拒绝就一户也不导入。</translation>
    </message>
    <message>
        <source>Choose the Excel file…</source>
        <translation>选择 Excel 文件…</translation>
    </message>
    <message>
        <source>No file chosen.</source>
        <translation>尚未选择文件。</translation>
    </message>
    <message>
        <source>Which column holds which field (* required)</source>
        <translation>各字段对应的列（* 为必填）</translation>
    </message>
    <message>
        <source>Check all rows</source>
        <translation>检查全部行</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Save the report…</source>
        <translation>保存报告…</translation>
    </message>
    <message>
        <source>Check the rows before importing.</source>
        <translation>导入前请先检查全部行。</translation>
    </message>
    <message>
        <source>%1 rows, %2 households. Can be imported: %3 households with %4 members. Rejected: %5 rows of %6 households.</source>
        <translation>共 %1 行，%2 户。可以导入：%3 户，%4 人。被拒绝：%6 户的 %5 行。</translation>
    </message>
    <message>
        <source>Nothing was rejected: the roster can be imported.</source>
        <translation>没有被拒绝的行：可以导入。</translation>
    </message>
    <message>
        <source>Correct the rejected rows in the file and check again; nothing is imported until every row passes.</source>
        <translation>请在文件中改正被拒绝的行后重新检查；每一行都通过之前不会导入任何数据。</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Household no.</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>CountyVisits</name>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Household no.</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村</translation>
    </message>
    <message>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>走访情况</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
</context>
<context>
    <name>CountyWindow</name>
    <message>
        <source>FieldSurvey county mode — %1</source>
        <translation>FieldSurvey 县级模式 — %1</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>概览</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>农户</translation>
    </message>
    <message>
        <source>Batch inbox</source>
        <translation>批次收件箱</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Visits to review</source>
        <translation>走访审核</translation>
    </message>
    <message>
        <source>Roster import</source>
        <translation>花名册导入</translation>
    </message>
    <message>
        <source>Exports and printing</source>
        <translation>导出与打印</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Refresh from the server</source>
        <translation>从服务器刷新(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Sign out</source>
        <translation>退出登录(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Open &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;About FieldSurvey</source>
        <translation>关于 FieldSurvey(&amp;A)</translation>
    </message>
    <message>
        <source>Signed in as %1 (%2) at %3</source>
        <translation>已登录：%1（%2），服务器 %3</translation>
    </message>
    <message>
        <source>Refreshed at %1</source>
        <translation>%1 已刷新</translation>
    </message>
    <message>
        <source>About FieldSurvey</source>
        <translation>关于 FieldSurvey</translation>
    </message>
    <message>
        <source>FieldSurvey %1 — county mode: batches, conflicts, dashboards, roster, exports and ledgers of the county, through the county server.</source>
        <translation>FieldSurvey %1 — 县级模式：通过县级服务器处理全县的批次、冲突、概览、花名册、导出和台账。</translation>
    </message>
    <message>
        <source>You were signed out: an administrator ended your session, it expired, or your account was disabled. Sign in again.</source>
        <translation>您已被登出：管理员结束了您的会话、会话已过期，或您的账号已停用。请重新登录。</translation>
    </message>
    <message>
        <source>&amp;User guide</source>
        <translation>使用说明(&amp;U)</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <source>Re-assessed</source>
        <translation>已重新评估</translation>
    </message>
    <message>
        <source>%1 households were assessed again with the county&apos;s policy tables.</source>
        <translation>已按县里的政策表重新评估 %1 户。</translation>
    </message>
    <message>
        <source>Assessing the households again…</source>
        <translation>正在重新评估各户…</translation>
    </message>
    <message>
        <source>Re-assess households</source>
        <translation>重新评估</translation>
    </message>
    <message>
        <source>Assess every household in this scope again from its record, with the county&apos;s policy tables (after the tables or records changed).</source>
        <translation>按县里的政策表，根据登记信息重新评估本范围内的每一户（政策表或登记信息变化后使用）。</translation>
    </message>
    <message>
        <source>Households and people</source>
        <translation>户数与人口</translation>
    </message>
    <message>
        <source>Two assurances, three guarantees</source>
        <translation>两不愁三保障</translation>
    </message>
    <message>
        <source>Visit coverage</source>
        <translation>走访覆盖</translation>
    </message>
    <message>
        <source>Poverty incidence</source>
        <translation>贫困发生率</translation>
    </message>
    <message>
        <source>Batches per week</source>
        <translation>每周批次</translation>
    </message>
    <message>
        <source>Households failing each dimension (click a bar for the list)</source>
        <translation>各项未达标户数（点击柱形查看名单）</translation>
    </message>
    <message>
        <source>Households by status</source>
        <translation>按脱贫状态的户数</translation>
    </message>
    <message>
        <source>Poverty incidence per village (%); dashed line: the exit standard</source>
        <translation>各村贫困发生率（%），虚线为退出标准</translation>
    </message>
    <message>
        <source>Batches received per secretary per week</source>
        <translation>各书记每周上传批次</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>%1 · as of %2</source>
        <translation>%1 · 截至 %2</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>people</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>people: %1</source>
        <translation>人数：%1</translation>
    </message>
    <message>
        <source>monitored</source>
        <translation>监测户</translation>
    </message>
    <message>
        <source>people monitored</source>
        <translation>监测人数</translation>
    </message>
    <message>
        <source>fails: %1</source>
        <translation>未达标：%1</translation>
    </message>
    <message>
        <source>never assessed</source>
        <translation>从未评估</translation>
    </message>
    <message>
        <source>not visited in 30 days</source>
        <translation>30天未走访</translation>
    </message>
    <message>
        <source>not visited in 90 days</source>
        <translation>90天未走访</translation>
    </message>
    <message>
        <source>meets</source>
        <translation>达到</translation>
    </message>
    <message>
        <source>does not meet</source>
        <translation>未达到</translation>
    </message>
    <message>
        <source>county figure</source>
        <translation>县里填报</translation>
    </message>
    <message>
        <source>people in the roster</source>
        <translation>花名册人数</translation>
    </message>
    <message>
        <source>poor people</source>
        <translation>贫困人口</translation>
    </message>
    <message>
        <source>rural population</source>
        <translation>农村人口</translation>
    </message>
    <message>
        <source>population from</source>
        <translation>人口来源</translation>
    </message>
    <message>
        <source>incidence</source>
        <translation>发生率</translation>
    </message>
    <message>
        <source>exit standard</source>
        <translation>退出标准</translation>
    </message>
    <message>
        <source>verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>Poverty incidence = people in households not exited or relapsed ÷ the village&apos;s rural population.</source>
        <translation>贫困发生率 = 未脱贫户和返贫户的人口 ÷ 该村农村人口。</translation>
    </message>
    <message>
        <source>Where the county has not entered a village&apos;s rural population (Administration tab), the people in the roster stand in for it, which overstates the incidence.</source>
        <translation>县里尚未填报农村人口的村（系统管理页），暂以花名册人数代替，发生率会偏高。</translation>
    </message>
    <message>
        <source>The exit standard is not yet verified in the policy tables: check it against the figure your province published.</source>
        <translation>政策表中的退出标准尚未核实，请以本省公布的数值为准。</translation>
    </message>
    <message>
        <source>relapse rate</source>
        <translation>返贫率</translation>
    </message>
    <message>
        <source>relapse target</source>
        <translation>返贫率目标</translation>
    </message>
    <message>
        <source>relapse verdict</source>
        <translation>返贫率是否达标</translation>
    </message>
    <message>
        <source>Relapse rate = people in relapsed households ÷ people in households that exited.</source>
        <translation>返贫率 = 返贫户人口 ÷ 已脱贫户（含返贫户）人口。</translation>
    </message>
    <message>
        <source>Relapse rate of %1: %2 %</source>
        <translation>%1返贫率：%2 %</translation>
    </message>
    <message>
        <source>(target: below %1 %, met)</source>
        <translation>（目标：低于 %1 %,已达到）</translation>
    </message>
    <message>
        <source>(target: below %1 %, not met)</source>
        <translation>（目标：低于 %1 %,未达到）</translation>
    </message>
    <message>
        <source>Income target for the poor population in %1: %2 yuan per person.</source>
        <translation>%1年贫困人口人均可支配收入目标：%2 元。</translation>
    </message>
    <message>
        <source>Policy values used for this county not yet verified against the published document (%1): </source>
        <translation>本县使用的政策取值中尚未与公开文件核对的有 %1 项：</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2项）</translation>
    </message>
    <message>
        <source>. Confirm them and correct the county&apos;s policy tables.</source>
        <translation>。请核对并在本县政策表中更正。</translation>
    </message>
</context>
<context>
    <name>EnrollPage</name>
    <message>
        <source>Enroll with the county server</source>
        <translation>在县服务器注册本机</translation>
    </message>
</context>
<context>
    <name>EnrollWidget</name>
    <message>
        <source>The county office gives you the server address, a one-time enrollment code and, to be safe, the county key&apos;s fingerprint.</source>
        <translation>县里会提供服务器地址、一次性注册码，以及用于核对的县级密钥指纹。</translation>
    </message>
    <message>
        <source>Server &amp;address:</source>
        <translation>服务器地址(&amp;A)：</translation>
    </message>
    <message>
        <source>Enrollment &amp;code:</source>
        <translation>注册码(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Enroll and download the households</source>
        <translation>注册并下载农户数据(&amp;E)</translation>
    </message>
    <message>
        <source>Enter the server address and the enrollment code.</source>
        <translation>请输入服务器地址和注册码。</translation>
    </message>
    <message>
        <source>Enrolling with the county server…</source>
        <translation>正在向县服务器注册……</translation>
    </message>
    <message>
        <source>&amp;Key fingerprint (optional):</source>
        <translation>密钥指纹（可不填）(&amp;K)：</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Something went wrong that should not have. Your saved data is safe. The details were written to the log file (Help → Open log folder): %1</source>
        <translation>程序出现了意外错误。已保存的数据是安全的。详细情况已写入日志文件（帮助 → 打开日志文件夹）：%1</translation>
    </message>
    <message>
        <source>FieldSurvey</source>
        <translation>FieldSurvey 入户走访</translation>
    </message>
</context>
<context>
    <name>ExportsPage</name>
    <message>
        <source>Exports and printing</source>
        <translation>导出与打印</translation>
    </message>
    <message>
        <source>Export for reporting upward</source>
        <translation>导出上报数据</translation>
    </message>
    <message>
        <source>Print household ledgers</source>
        <translation>打印一户一本台账</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>农户</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>走访</translation>
    </message>
    <message>
        <source>Assessments</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Medical costs and reimbursement</source>
        <translation>医疗费用及报销</translation>
    </message>
    <message>
        <source>Visit answers (one column per question)</source>
        <translation>走访答案（每题一列）</translation>
    </message>
    <message>
        <source>Excel workbook (.xlsx)</source>
        <translation>Excel 工作簿（.xlsx）</translation>
    </message>
    <message>
        <source>CSV, UTF-8 (.csv)</source>
        <translation>CSV，UTF-8（.csv）</translation>
    </message>
    <message>
        <source>Chinese headers and labels</source>
        <translation>中文表头和名称</translation>
    </message>
    <message>
        <source>English headers and labels</source>
        <translation>英文表头和名称</translation>
    </message>
    <message>
        <source>What:</source>
        <translation>内容：</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Where:</source>
        <translation>范围：</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>One PDF with a table of contents (otherwise a folder with one file per household)</source>
        <translation>合成一个带目录的 PDF（否则每户一个文件，存入文件夹）</translation>
    </message>
    <message>
        <source>Public copy: hide the middle of ID numbers</source>
        <translation>公示版：隐藏证件号码中间几位</translation>
    </message>
    <message>
        <source>Choose a village or a township. A township prints village by village; as one PDF, the villages are joined with a bookmark each.</source>
        <translation>请选择一个村或乡镇。乡镇按村逐个打印；合成一个 PDF 时，每个村一个书签。</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save the export as</source>
        <translation>导出文件另存为</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Choose a township or a village first.</source>
        <translation>请先选择乡镇或村。</translation>
    </message>
    <message>
        <source>Save the ledgers as</source>
        <translation>台账另存为</translation>
    </message>
    <message>
        <source>Folder for the ledgers</source>
        <translation>台账存放的文件夹</translation>
    </message>
    <message>
        <source>Printing the ledgers…</source>
        <translation>正在打印台账…</translation>
    </message>
    <message>
        <source>Save the ledger as</source>
        <translation>台账另存为</translation>
    </message>
    <message>
        <source>Printing the household ledger…</source>
        <translation>正在打印该户台账…</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Made %1 PDF file(s) with %2 pages for %3 household(s).</source>
        <translation>已生成 %1 个 PDF 文件，共 %2 页，%3 户。</translation>
    </message>
    <message>
        <source>The export is ready.</source>
        <translation>导出完成。</translation>
    </message>
</context>
<context>
    <name>FilesReady</name>
    <message>
        <source>Saved as: %1</source>
        <translation>已保存为：%1</translation>
    </message>
    <message>
        <source>Saved in the folder: %1</source>
        <translation>已保存在文件夹：%1</translation>
    </message>
    <message>
        <source>Open the file</source>
        <translation>打开文件</translation>
    </message>
    <message>
        <source>Open the folder</source>
        <translation>打开所在文件夹</translation>
    </message>
</context>
<context>
    <name>HelpWindow</name>
    <message>
        <source>FieldSurvey user guide</source>
        <translation>FieldSurvey 使用说明</translation>
    </message>
</context>
<context>
    <name>HouseholdDetail</name>
    <message>
        <source>Print ledger…</source>
        <translation>打印台账…</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>Latest assessment</source>
        <translation>最近一次评估</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <source>Choose a household in the list.</source>
        <translation>请在列表中选择一户。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>status: %1</source>
        <translation>脱贫状态：%1</translation>
    </message>
    <message>
        <source>type: %1</source>
        <translation>户类型：%1</translation>
    </message>
    <message>
        <source>%1 members</source>
        <translation>%1 人</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Relationship</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康状况</translation>
    </message>
    <message>
        <source>From the visit of %1.</source>
        <translation>来自 %1 的走访。</translation>
    </message>
    <message>
        <source>No visit with an assessment has reached the county yet.</source>
        <translation>县里还没有收到带评估的走访。</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>走访情况</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>%1 %2 %3 reimbursed %4, below the %5 target</source>
        <translation>%1年%2%3实际报销比例%4，未达到%5目标</translation>
    </message>
</context>
<context>
    <name>HouseholdList</name>
    <message>
        <source>Household no.</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>组</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>人口</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>脱贫状态</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>户类型</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>最近走访</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未走访</translation>
    </message>
</context>
<context>
    <name>HouseholdListPage</name>
    <message>
        <source>&amp;Search:</source>
        <translation>搜索(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Village:</source>
        <translation>村(&amp;V)：</translation>
    </message>
    <message>
        <source>&amp;Group:</source>
        <translation>组(&amp;G)：</translation>
    </message>
    <message>
        <source>S&amp;tatus:</source>
        <translation>脱贫状态(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Problem:</source>
        <translation>问题(&amp;P)：</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <source>No households yet. Import a roster (File → Import roster) or add a household.</source>
        <translation>还没有农户。请导入花名册（文件 → 导入花名册）或新增农户。</translation>
    </message>
    <message>
        <source>(all)</source>
        <translation>（全部）</translation>
    </message>
    <message>
        <source>monitored (any type)</source>
        <translation>监测对象（全部类型）</translation>
    </message>
    <message>
        <source>not visited in 30 days</source>
        <translation>30天未走访</translation>
    </message>
    <message>
        <source>not visited in 90 days</source>
        <translation>90天未走访</translation>
    </message>
    <message>
        <source>Showing %1 / %2 households</source>
        <translation>显示 %1 / %2 户</translation>
    </message>
    <message>
        <source>name, ID number, household no. or pinyin (e.g. wjg, wangjianguo)</source>
        <translation>姓名、证件号码、户编号或拼音（如 wjg、wangjianguo）</translation>
    </message>
    <message>
        <source>Typ&amp;e:</source>
        <translation>户类型(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Clear search and filters</source>
        <translation>清除搜索和筛选(&amp;C)</translation>
    </message>
    <message>
        <source>No household matches “%1”.</source>
        <translation>没有符合“%1”的农户。</translation>
    </message>
    <message>
        <source>No household matches the chosen filters.</source>
        <translation>没有符合所选条件的农户。</translation>
    </message>
</context>
<context>
    <name>HouseholdView</name>
    <message>
        <source>not recorded</source>
        <translation>未登记</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>&amp;New visit</source>
        <translation>新建走访(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Continue draft</source>
        <translation>继续草稿(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Print ledger…</source>
        <translation>打印台账(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Member change…</source>
        <translation>人员变更(&amp;M)…</translation>
    </message>
    <message>
        <source>Open visit</source>
        <translation>打开走访</translation>
    </message>
    <message>
        <source>Correct (amend)…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <source>Assessment (two assurances, three guarantees, water, income)</source>
        <translation>评估（两不愁三保障、饮水安全、收入）</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <source>Assistance measures</source>
        <translation>帮扶措施</translation>
    </message>
    <message>
        <source>Assigned helpers</source>
        <translation>帮扶责任人</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载……</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>农户</translation>
    </message>
    <message>
        <source>%1&apos;s household</source>
        <translation>%1户</translation>
    </message>
    <message>
        <source>Household no. %1</source>
        <translation>户编号 %1</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>脱贫状态：%1</translation>
    </message>
    <message>
        <source>Poverty category: %1</source>
        <translation>贫困户属性：%1</translation>
    </message>
    <message>
        <source>Type: %1</source>
        <translation>户类型：%1</translation>
    </message>
    <message>
        <source>Members: %1</source>
        <translation>家庭人口：%1</translation>
    </message>
    <message>
        <source>Main poverty cause: %1</source>
        <translation>主要致贫原因：%1</translation>
    </message>
    <message>
        <source>Phone: %1</source>
        <translation>联系电话：%1</translation>
    </message>
    <message>
        <source>Monitored household</source>
        <translation>监测对象</translation>
    </message>
    <message>
        <source>From the visit of %1 by %2.</source>
        <translation>来自 %1 的走访（走访人：%2）。</translation>
    </message>
    <message>
        <source>No finalized visit yet: this is computed from the records as they stand today and is not stored.</source>
        <translation>尚无已提交的走访：以下结果按当前登记信息即时计算，不会保存。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Relationship</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康状况</translation>
    </message>
    <message>
        <source>Schooling</source>
        <translation>在校生状况</translation>
    </message>
    <message>
        <source>Labour capacity</source>
        <translation>劳动能力</translation>
    </message>
    <message>
        <source>Medical insurance</source>
        <translation>基本医保</translation>
    </message>
    <message>
        <source>%1 (moved out)</source>
        <translation>%1（已迁出）</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>走访情况</translation>
    </message>
    <message>
        <source>draft (not finalized)</source>
        <translation>草稿（未提交）</translation>
    </message>
    <message>
        <source>finalized, corrects an earlier visit</source>
        <translation>已提交（更正以前的走访）</translation>
    </message>
    <message>
        <source>finalized</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>county: has issues</source>
        <translation>县里：有问题</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Funds (yuan)</source>
        <translation>资金（元）</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>From</source>
        <translation>起</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>止</translation>
    </message>
    <message>
        <source>current</source>
        <translation>至今</translation>
    </message>
    <message>
        <source>Medical costs and reimbursement</source>
        <translation>医疗费用及报销</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Costs (yuan)</source>
        <translation>合规费用（元）</translation>
    </message>
    <message>
        <source>Reimbursed (yuan)</source>
        <translation>已报销（元）</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>实际报销比例</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>No photos yet: add them in a visit (household, housing, water, visit record).</source>
        <translation>还没有照片：可在走访中添加（户和成员、住房、饮水、走访记录）。</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
</context>
<context>
    <name>HouseholdsPage</name>
    <message>
        <source>Households behind: %1</source>
        <translation>名单：%1</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>全部脱贫状态</translation>
    </message>
    <message>
        <source>Any type</source>
        <translation>全部户类型</translation>
    </message>
    <message>
        <source>Monitored (any type)</source>
        <translation>监测户（全部类型）</translation>
    </message>
    <message>
        <source>Any problem</source>
        <translation>全部问题</translation>
    </message>
    <message>
        <source>Fails: %1</source>
        <translation>未达标：%1</translation>
    </message>
    <message>
        <source>Unknown: %1</source>
        <translation>情况不明：%1</translation>
    </message>
    <message>
        <source>Not visited in 30 days</source>
        <translation>30天未走访</translation>
    </message>
    <message>
        <source>Not visited in 90 days</source>
        <translation>90天未走访</translation>
    </message>
    <message>
        <source>Never assessed</source>
        <translation>从未评估</translation>
    </message>
    <message>
        <source>Household number</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>显示全部</translation>
    </message>
</context>
<context>
    <name>InboxPage</name>
    <message>
        <source>All batches</source>
        <translation>全部批次</translation>
    </message>
    <message>
        <source>Secretary&apos;s user name</source>
        <translation>书记的用户名</translation>
    </message>
    <message>
        <source>Choose a batch to see what became of each record.</source>
        <translation>选择一个批次，查看每条记录的处理结果。</translation>
    </message>
    <message>
        <source>Batch %1</source>
        <translation>批次 %1</translation>
    </message>
    <message>
        <source>Refused: %1. Nothing of it was applied; the device was told on its next sync.</source>
        <translation>已拒收：%1。其中的内容都没有应用；设备下次同步时会收到通知。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>Created on the device at %1; %2 bytes; records: %3.</source>
        <translation>在设备上生成于 %1；%2 字节；记录：%3。</translation>
    </message>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
</context>
<context>
    <name>InsecureHttp</name>
    <message>
        <source>Unencrypted connection</source>
        <translation>未加密的连接</translation>
    </message>
    <message>
        <source>%1 is an unencrypted http:// address on another computer. Passwords, codes and the households&apos; personal data would cross the network readable by anyone on it, the office network included.

Ask the county&apos;s administrator for the https:// address. Go on without encryption anyway?</source>
        <translation>%1 是另一台电脑上未加密的 http:// 地址。密码、注册码和农户的个人信息将以明文经过网络，网络上的任何人（包括办公室网络）都能读到。

请向县里的管理员索取 https:// 地址。仍要不加密继续吗？</translation>
    </message>
    <message>
        <source>Not connected: use the server&apos;s https:// address, or confirm the unencrypted one.</source>
        <translation>未连接：请使用服务器的 https:// 地址，或确认使用未加密的地址。</translation>
    </message>
</context>
<context>
    <name>LedgerPrint</name>
    <message>
        <source>Other users of this computer, or anyone with this drive, can read these files: keep the drive safe.</source>
        <translation>这台电脑的其他用户，或拿到这个磁盘（U盘）的任何人，都能读取这些文件：请妥善保管。</translation>
    </message>
    <message>
        <source>Ledger ready</source>
        <translation>台账已生成</translation>
    </message>
    <message>
        <source>Made %1 PDF file(s) with %2 pages for %3 household(s).</source>
        <translation>已为 %3 户生成 %1 个 PDF 文件，共 %2 页。</translation>
    </message>
    <message>
        <source>Printing the household ledger…</source>
        <translation>正在生成户台账……</translation>
    </message>
    <message>
        <source>Nothing to print</source>
        <translation>没有可打印的内容</translation>
    </message>
    <message>
        <source>There are no villages with households yet.</source>
        <translation>还没有有农户的村。</translation>
    </message>
    <message>
        <source>Printing the village ledgers…</source>
        <translation>正在生成全村台账……</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>FieldSurvey household visits</source>
        <translation>FieldSurvey 入户走访</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>S&amp;ync</source>
        <translation>同步(&amp;Y)</translation>
    </message>
    <message>
        <source>&amp;New household…</source>
        <translation>新增农户(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Import roster…</source>
        <translation>导入花名册(&amp;I)…</translation>
    </message>
    <message>
        <source>Print &amp;village ledgers…</source>
        <translation>打印全村台账(&amp;V)…</translation>
    </message>
    <message>
        <source>&amp;Re-assess all households</source>
        <translation>重新评估全部农户(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>锁定(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Find household</source>
        <translation>查找农户(&amp;F)</translation>
    </message>
    <message>
        <source>New &amp;visit</source>
        <translation>新建走访(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Save draft</source>
        <translation>保存草稿(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Print ledger…</source>
        <translation>打印台账(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Member change…</source>
        <translation>人员变更(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Close tab</source>
        <translation>关闭标签页(&amp;C)</translation>
    </message>
    <message>
        <source>Open &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;About FieldSurvey</source>
        <translation>关于 FieldSurvey(&amp;A)</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>农户列表</translation>
    </message>
    <message>
        <source>You opened the data with the recovery key. Please set a new passphrase now.</source>
        <translation>您是用恢复密钥打开数据的。请现在设置一个新的密码短语。</translation>
    </message>
    <message>
        <source>The new passphrase is set.</source>
        <translation>新密码短语已设置。</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>走访</translation>
    </message>
    <message>
        <source>Visit finalized and saved.</source>
        <translation>走访已提交并保存。</translation>
    </message>
    <message>
        <source>Re-assessed %1 households.</source>
        <translation>已重新评估 %1 户。</translation>
    </message>
    <message>
        <source>Stopped before the end; run it again to finish.</source>
        <translation>未全部完成就停止了；再运行一次即可完成。</translation>
    </message>
    <message>
        <source>Assessing all households…</source>
        <translation>正在评估全部农户……</translation>
    </message>
    <message>
        <source>About FieldSurvey</source>
        <translation>关于 FieldSurvey</translation>
    </message>
    <message>
        <source>FieldSurvey %1 — offline household visits for village first secretaries.
Data folder: %2</source>
        <translation>FieldSurvey %1 —— 供驻村第一书记离线入户走访使用。
数据文件夹：%2</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在处理……</translation>
    </message>
    <message>
        <source>&amp;User guide</source>
        <translation>使用说明(&amp;U)</translation>
    </message>
    <message>
        <source>H&amp;ousehold</source>
        <translation>农户(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Sync with the county server…</source>
        <translation>与县服务器同步(&amp;S)…</translation>
    </message>
</context>
<context>
    <name>MemberChangeDialog</name>
    <message>
        <source>Member change</source>
        <translation>人员变更</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>变更原因(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>日期(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Member leaving:</source>
        <translation>迁出成员(&amp;M)：</translation>
    </message>
    <message>
        <source>New &amp;head:</source>
        <translation>新户主(&amp;H)：</translation>
    </message>
    <message>
        <source>N&amp;ote:</source>
        <translation>备注(&amp;O)：</translation>
    </message>
    <message>
        <source>(choose)</source>
        <translation>（请选择）</translation>
    </message>
    <message>
        <source>Choose the reason for the change.</source>
        <translation>请选择变更原因。</translation>
    </message>
    <message>
        <source>This ID number already belongs to a member of the household.</source>
        <translation>该证件号码已属于本户的一名成员。</translation>
    </message>
    <message>
        <source>Choose the member who leaves.</source>
        <translation>请选择迁出的成员。</translation>
    </message>
    <message>
        <source>The last member cannot leave; the county closes a household record.</source>
        <translation>最后一名成员不能迁出；注销整户由县里办理。</translation>
    </message>
    <message>
        <source>Choose the new head of the household.</source>
        <translation>请选择新的户主。</translation>
    </message>
</context>
<context>
    <name>NewHouseholdDialog</name>
    <message>
        <source>New household</source>
        <translation>新增农户</translation>
    </message>
    <message>
        <source>&amp;Village (name or 12-digit code):</source>
        <translation>行政村（名称或12位代码）(&amp;V)：</translation>
    </message>
    <message>
        <source>&amp;Group:</source>
        <translation>组(&amp;G)：</translation>
    </message>
    <message>
        <source>&amp;Status:</source>
        <translation>脱贫状态(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>户类型(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Poverty category:</source>
        <translation>贫困户属性(&amp;P)：</translation>
    </message>
    <message>
        <source>Head of household</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation>（未设置）</translation>
    </message>
    <message>
        <source>Enter the household number.</source>
        <translation>请输入户编号。</translation>
    </message>
    <message>
        <source>This household number already exists.</source>
        <translation>该户编号已存在。</translation>
    </message>
    <message>
        <source>Choose a village, or type its 12-digit code.</source>
        <translation>请选择行政村，或输入12位行政区划代码。</translation>
    </message>
    <message>
        <source>Household n&amp;o.:</source>
        <translation>户编号(&amp;O)：</translation>
    </message>
    <message>
        <source>Phon&amp;e:</source>
        <translation>联系电话(&amp;E)：</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <source>Add a user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <source>Name shown:</source>
        <translation>显示姓名：</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>at least 8 characters; empty for a laptop-only secretary</source>
        <translation>至少8个字符；只用笔记本的书记可以不填</translation>
    </message>
    <message>
        <source>Enter a user name.</source>
        <translation>请填写用户名。</translation>
    </message>
</context>
<context>
    <name>PassphraseFields</name>
    <message>
        <source>New passphrase:</source>
        <translation>新密码短语：</translation>
    </message>
    <message>
        <source>Repeat it:</source>
        <translation>再输入一次：</translation>
    </message>
    <message>
        <source>at least 8 characters; a short sentence is easy to remember</source>
        <translation>至少8个字符；用一句短话更容易记住</translation>
    </message>
    <message>
        <source>Choose a passphrase.</source>
        <translation>请设置密码短语。</translation>
    </message>
    <message>
        <source>The two passphrases are not the same.</source>
        <translation>两次输入的密码短语不一致。</translation>
    </message>
    <message>
        <source>Strength: %1</source>
        <translation>强度：%1</translation>
    </message>
    <message>
        <source>the two passphrases are not the same</source>
        <translation>两次输入不一致</translation>
    </message>
    <message>
        <source>Too weak: %1</source>
        <translation>太弱：%1</translation>
    </message>
</context>
<context>
    <name>PassphrasePage</name>
    <message>
        <source>You and your passphrase</source>
        <translation>您的信息和密码短语</translation>
    </message>
    <message>
        <source>Your &amp;name (written on visits):</source>
        <translation>您的姓名（记入走访记录）(&amp;N)：</translation>
    </message>
    <message>
        <source>Your &amp;work unit:</source>
        <translation>您的工作单位(&amp;W)：</translation>
    </message>
    <message>
        <source>The passphrase opens the data every day. Choose one you can remember but others cannot guess; nobody, not even the county, can recover it for you.</source>
        <translation>每天打开数据都要用密码短语。请选一个自己记得住、别人猜不到的；任何人（包括县里）都无法替您找回。</translation>
    </message>
    <message>
        <source>Create the encrypted data</source>
        <translation>创建加密数据</translation>
    </message>
    <message>
        <source>Creating the encrypted data… this takes a moment.</source>
        <translation>正在创建加密数据……请稍候。</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>New password for %1</source>
        <translation>%1 的新密码</translation>
    </message>
    <message>
        <source>%1 is signed out everywhere and signs in again with the new password; a sign-in lock is lifted.</source>
        <translation>%1 将在所有地方被登出，需用新密码重新登录；登录锁定也会解除。</translation>
    </message>
    <message>
        <source>New password:</source>
        <translation>新密码：</translation>
    </message>
    <message>
        <source>Repeat it:</source>
        <translation>再输入一次：</translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation>两次输入的密码不一致</translation>
    </message>
</context>
<context>
    <name>PersonFields</name>
    <message>
        <source>&amp;Name:</source>
        <translation>姓名(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;ID number:</source>
        <translation>证件号码(&amp;I)：</translation>
    </message>
    <message>
        <source>Sex, born:</source>
        <translation>性别、出生日期：</translation>
    </message>
    <message>
        <source>&amp;Relationship to head:</source>
        <translation>与户主关系(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Health:</source>
        <translation>健康状况(&amp;H)：</translation>
    </message>
    <message>
        <source>(choose)</source>
        <translation>（请选择）</translation>
    </message>
    <message>
        <source>(not recorded)</source>
        <translation>（未登记）</translation>
    </message>
    <message>
        <source>from the ID number</source>
        <translation>由证件号码得出</translation>
    </message>
    <message>
        <source>Enter the name.</source>
        <translation>请输入姓名。</translation>
    </message>
    <message>
        <source>Enter the ID number.</source>
        <translation>请输入证件号码。</translation>
    </message>
    <message>
        <source>Choose the relationship to the head.</source>
        <translation>请选择与户主关系。</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1，%2</translation>
    </message>
</context>
<context>
    <name>PhotoImport</name>
    <message>
        <source>%1 more files were not added: at most %2 at once.</source>
        <translation>另有 %1 个文件未添加：一次最多 %2 个。</translation>
    </message>
    <message>
        <source>Some files were not added</source>
        <translation>部分文件未添加</translation>
    </message>
    <message>
        <source>The other photos were added. These were not:</source>
        <translation>其余照片已添加。以下文件未添加：</translation>
    </message>
    <message>
        <source>Adding photos</source>
        <translation>添加照片</translation>
    </message>
    <message>
        <source>Adding photos…</source>
        <translation>正在添加照片…</translation>
    </message>
    <message>
        <source>Adding photos… %1 of %2</source>
        <translation>正在添加照片… 第 %1 张，共 %2 张</translation>
    </message>
</context>
<context>
    <name>PhotoInput</name>
    <message>
        <source>Add photos…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <source>Camera…</source>
        <translation>拍照…</translation>
    </message>
    <message>
        <source>Caption…</source>
        <translation>说明…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>or drag pictures here</source>
        <translation>或把照片拖到这里</translation>
    </message>
    <message>
        <source>%1 of at most %2</source>
        <translation>%1 张，最多 %2 张</translation>
    </message>
    <message>
        <source>Add photos</source>
        <translation>添加照片</translation>
    </message>
    <message>
        <source>Pictures (%1)</source>
        <translation>图片（%1）</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>照片说明</translation>
    </message>
    <message>
        <source>Caption for this photo:</source>
        <translation>这张照片的说明：</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一张</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一张 ▶</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
</context>
<context>
    <name>Photos</name>
    <message>
        <source>Taken %1</source>
        <translation>拍摄于 %1</translation>
    </message>
    <message>
        <source>Capture time unknown</source>
        <translation>拍摄时间不详</translation>
    </message>
    <message>
        <source>Location %1</source>
        <translation>位置 %1</translation>
    </message>
</context>
<context>
    <name>PopulationDialog</name>
    <message>
        <source>Rural population of %1</source>
        <translation>%1 的农村人口</translation>
    </message>
    <message>
        <source>Rural population (0: not known):</source>
        <translation>农村人口（0 表示不详）：</translation>
    </message>
    <message>
        <source>Where the figure comes from:</source>
        <translation>数字来源：</translation>
    </message>
    <message>
        <source>Say where the figure comes from.</source>
        <translation>请注明数字来源。</translation>
    </message>
</context>
<context>
    <name>PrintDialog</name>
    <message>
        <source>Print village ledgers</source>
        <translation>打印全村台账</translation>
    </message>
    <message>
        <source>Print household ledger</source>
        <translation>打印户台账</translation>
    </message>
    <message>
        <source>Village:</source>
        <translation>行政村：</translation>
    </message>
    <message>
        <source>Output:</source>
        <translation>输出：</translation>
    </message>
    <message>
        <source>Save to:</source>
        <translation>保存到：</translation>
    </message>
    <message>
        <source>One PDF with a table of contents (otherwise one file per household)</source>
        <translation>合成一个带目录的 PDF（否则每户一个文件）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Public copy: hide the middle of ID numbers</source>
        <translation>公示用：隐藏证件号码中间几位</translation>
    </message>
    <message>
        <source>Make PDF</source>
        <translation>生成 PDF</translation>
    </message>
    <message>
        <source>Folder for the ledgers</source>
        <translation>台账保存文件夹</translation>
    </message>
    <message>
        <source>Save the ledger as</source>
        <translation>台账另存为</translation>
    </message>
    <message>
        <source>Choose where to save the PDF.</source>
        <translation>请选择 PDF 的保存位置。</translation>
    </message>
    <message>
        <source>That folder does not exist.</source>
        <translation>该文件夹不存在。</translation>
    </message>
</context>
<context>
    <name>RecoveryPage</name>
    <message>
        <source>Your recovery key</source>
        <translation>您的恢复密钥</translation>
    </message>
    <message>
        <source>If the passphrase is ever forgotten, this key is the only way to open the data. It is shown only now. Write it down or print it, and keep it somewhere safe, away from this computer.</source>
        <translation>如果忘记了密码短语，恢复密钥是打开数据的唯一办法。它只显示这一次。请抄写或打印下来，存放在安全的地方，不要和电脑放在一起。</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>打印(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Save to a file…</source>
        <translation>保存到文件(&amp;S)…</translation>
    </message>
    <message>
        <source>I have written down, printed or saved the recovery key</source>
        <translation>我已抄写、打印或保存了恢复密钥</translation>
    </message>
    <message>
        <source>FieldSurvey recovery key</source>
        <translation>FieldSurvey 恢复密钥</translation>
    </message>
    <message>
        <source>Data folder: %1</source>
        <translation>数据文件夹：%1</translation>
    </message>
    <message>
        <source>Keep this paper safe and away from the computer. Anyone with it and the computer can open the data.</source>
        <translation>请妥善保管这张纸，不要和电脑放在一起。任何人拿到它和这台电脑就能打开数据。</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>已发送到打印机。</translation>
    </message>
    <message>
        <source>Save the recovery key</source>
        <translation>保存恢复密钥</translation>
    </message>
    <message>
        <source>Saved to %1. Move it to a USB stick or print it, then delete it from this computer.</source>
        <translation>已保存到 %1。请把它转存到U盘或打印出来，然后从这台电脑上删除。</translation>
    </message>
    <message>
        <source>Other users of this computer, or anyone with this drive, can read that file: keep the drive safe.</source>
        <translation>这台电脑的其他用户，或拿到这个磁盘（U盘）的任何人，都能读取该文件：请妥善保管。</translation>
    </message>
</context>
<context>
    <name>Resolution</name>
    <message>
        <source>Values</source>
        <translation>各方的值</translation>
    </message>
    <message>
        <source>Before (what the laptop started from)</source>
        <translation>原值（笔记本修改前）</translation>
    </message>
    <message>
        <source>On the laptop</source>
        <translation>笔记本上的值</translation>
    </message>
    <message>
        <source>On the county server</source>
        <translation>县服务器上的值</translation>
    </message>
    <message>
        <source>Before (what laptop %1 started from)</source>
        <translation>原值（笔记本“%1”修改前）</translation>
    </message>
    <message>
        <source>Laptop %1 (%2), sent %3</source>
        <translation>笔记本“%1”（%2），%3 上传</translation>
    </message>
    <message>
        <source>On the county server before %1 (where this value came from is not recorded)</source>
        <translation>县服务器上 %1 前的值（来源未记录）</translation>
    </message>
    <message>
        <source>Synced from %1&apos;s laptop (device %2) at %3</source>
        <translation>%1的笔记本（设备“%2”）于 %3 同步的值</translation>
    </message>
    <message>
        <source>Created on %1&apos;s laptop (device %2), synced %3</source>
        <translation>%1的笔记本（设备“%2”）新建、于 %3 同步的值</translation>
    </message>
    <message>
        <source>Removed on %1&apos;s laptop (device %2), synced %3</source>
        <translation>%1的笔记本（设备“%2”）删除此记录，于 %3 同步</translation>
    </message>
    <message>
        <source>Set at the county by %1 at %2 (resolving an earlier conflict)</source>
        <translation>县里 %1 于 %2 处理先前冲突时定的值</translation>
    </message>
    <message>
        <source>Imported at the county by %1 at %2 (roster import)</source>
        <translation>县里 %1 于 %2 导入花名册时的值</translation>
    </message>
    <message>
        <source>Changed at the county by %1 at %2</source>
        <translation>县里 %1 于 %2 修改的值</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>a person: display name (user name)</comment>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Keep this</source>
        <translation>采用此值</translation>
    </message>
    <message>
        <source>Another value:</source>
        <translation>其他值：</translation>
    </message>
    <message>
        <source>Note (why; the secretary sees it):</source>
        <translation>说明（理由，书记可以看到）：</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>处理</translation>
    </message>
    <message>
        <source>Choose a conflict in the list.</source>
        <translation>请在列表中选择一条冲突。</translation>
    </message>
    <message>
        <source>(the whole record)</source>
        <translation>（整条记录）</translation>
    </message>
    <message>
        <source>Close with the note</source>
        <translation>填写说明后关闭</translation>
    </message>
    <message>
        <source>County staff resolve conflicts.</source>
        <translation>冲突由县里工作人员处理。</translation>
    </message>
    <message>
        <source>Resolved by %1 at %2: %3. Note: %4</source>
        <translation>%1 于 %2 处理：%3。说明：%4</translation>
    </message>
</context>
<context>
    <name>RosterImport</name>
    <message>
        <source>a CSV or Excel (.xlsx) file from the county, one row per member</source>
        <translation>县里提供的 CSV 或 Excel（.xlsx）文件，每名成员一行</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>&amp;Check file</source>
        <translation>检查文件(&amp;C)</translation>
    </message>
    <message>
        <source>Save an empty template…</source>
        <translation>保存空白模板…</translation>
    </message>
    <message>
        <source>Save report…</source>
        <translation>保存检查报告…</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>Choose the roster</source>
        <translation>选择花名册</translation>
    </message>
    <message>
        <source>Rosters (*.csv *.xlsx)</source>
        <translation>花名册 (*.csv *.xlsx)</translation>
    </message>
    <message>
        <source>That file does not exist.</source>
        <translation>该文件不存在。</translation>
    </message>
    <message>
        <source>Checking the roster…</source>
        <translation>正在检查花名册……</translation>
    </message>
    <message>
        <source>Nothing is imported until you have seen the check&apos;s report.</source>
        <translation>看过检查报告之后才会导入。</translation>
    </message>
    <message>
        <source>Rows read: %1.</source>
        <translation>读取 %1 行。</translation>
    </message>
    <message>
        <source>Households ready to import: %1 (%2 members).</source>
        <translation>可导入 %1 户（%2 人）。</translation>
    </message>
    <message>
        <source>Rows with errors: %1; households not imported: %2.</source>
        <translation>有错误的行：%1 行；不导入的户：%2 户。</translation>
    </message>
    <message>
        <source>Columns not used: %1.</source>
        <translation>未使用的列：%1。</translation>
    </message>
    <message>
        <source>Imported %1 households.</source>
        <translation>已导入 %1 户。</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Household no.</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Importing households…</source>
        <translation>正在导入农户……</translation>
    </message>
    <message>
        <source>Import cancelled after %1 households; those stay imported.</source>
        <translation>已在导入 %1 户后取消；这些户保留在数据中。</translation>
    </message>
    <message>
        <source>Save the template</source>
        <translation>保存模板</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>保存报告</translation>
    </message>
    <message>
        <source>&amp;Roster file:</source>
        <translation>花名册文件(&amp;R)：</translation>
    </message>
</context>
<context>
    <name>RosterImportDialog</name>
    <message>
        <source>Import a household roster</source>
        <translation>导入农户花名册</translation>
    </message>
</context>
<context>
    <name>RosterPage</name>
    <message>
        <source>Import a household roster</source>
        <translation>导入农户花名册</translation>
    </message>
    <message>
        <source>Check the file first: every row with a problem is listed with its reason, and nothing is left out without being listed. You can also import later from the File menu.</source>
        <translation>请先检查文件：每个有问题的行都会列出原因，没有列出的不会被漏掉。也可以以后从“文件”菜单导入。</translation>
    </message>
</context>
<context>
    <name>ScopePicker</name>
    <message>
        <source>Whole county</source>
        <translation>全县</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部村</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>界面语言(&amp;L)：</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <source>Visitor (written on each visit)</source>
        <translation>走访人（记入每次走访）</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>姓名(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Work unit:</source>
        <translation>工作单位(&amp;W)：</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>安全</translation>
    </message>
    <message>
        <source>Change &amp;passphrase…</source>
        <translation>更改密码短语(&amp;P)…</translation>
    </message>
    <message>
        <source>Lock &amp;after idle:</source>
        <translation>空闲多久后锁定(&amp;A)：</translation>
    </message>
    <message>
        <source>Photo si&amp;ze (long edge):</source>
        <translation>照片尺寸（长边）(&amp;Z)：</translation>
    </message>
    <message>
        <source>pixels</source>
        <translation>像素</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>Set up FieldSurvey</source>
        <translation>设置 FieldSurvey</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in to the county server</source>
        <translation>登录县级服务器</translation>
    </message>
    <message>
        <source>FieldSurvey county mode</source>
        <translation>FieldSurvey 县级模式</translation>
    </message>
    <message>
        <source>Sign in with your account on the county server. What you may see and change is decided by the server for your account.</source>
        <translation>请用您在县级服务器上的账号登录。能看到和修改哪些内容，由服务器根据您的账号决定。</translation>
    </message>
    <message>
        <source>Server:</source>
        <translation>服务器：</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>请填写用户名和密码。</translation>
    </message>
</context>
<context>
    <name>SourcePage</name>
    <message>
        <source>Where do the households come from?</source>
        <translation>农户数据从哪里来？</translation>
    </message>
    <message>
        <source>Import a household roster file (CSV or Excel) from the county</source>
        <translation>导入县里提供的农户花名册文件（CSV 或 Excel）</translation>
    </message>
    <message>
        <source>Enroll with the county server (address and one-time enrollment code)</source>
        <translation>在县服务器注册本机（服务器地址和一次性注册码）</translation>
    </message>
    <message>
        <source>Start empty and add households by hand</source>
        <translation>从空白开始，手工添加农户</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>Sending to the county server…</source>
        <translation>正在上传到县服务器……</translation>
    </message>
    <message>
        <source>Receiving from the county server…</source>
        <translation>正在从县服务器接收……</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>正在同步……</translation>
    </message>
    <message>
        <source>Sync with the county</source>
        <translation>与县里同步</translation>
    </message>
    <message>
        <source>&amp;Sync now</source>
        <translation>立即同步(&amp;S)</translation>
    </message>
    <message>
        <source>Save a batch for the county (USB)…</source>
        <translation>保存上报批次文件（U盘）…</translation>
    </message>
    <message>
        <source>Import an update file from the county…</source>
        <translation>导入县里的更新文件…</translation>
    </message>
    <message>
        <source>Messages from the county</source>
        <translation>县里的消息</translation>
    </message>
    <message>
        <source>Mark as read</source>
        <translation>标为已读</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载……</translation>
    </message>
    <message>
        <source>Waiting to be sent: %1 changes, %2 visits, %3 member changes.</source>
        <translation>待上传：%1 处修改，%2 次走访，%3 项人员变更。</translation>
    </message>
    <message>
        <source>This laptop is not enrolled with a county server yet.</source>
        <translation>本机尚未在县服务器注册。</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <source>Enrolled with %1 (%2) as %3. Last sync: %4.</source>
        <translation>已注册到 %1（%2），用户：%3。上次同步：%4。</translation>
    </message>
    <message>
        <source>County key fingerprint: %1</source>
        <translation>县级密钥指纹：%1</translation>
    </message>
    <message>
        <source>Syncing with the county server…</source>
        <translation>正在与县服务器同步……</translation>
    </message>
    <message>
        <source>Save the batch file</source>
        <translation>保存批次文件</translation>
    </message>
    <message>
        <source>Saved %1 (%2 bytes). Take it to the county office; it is encrypted for the county.</source>
        <translation>已保存 %1（%2 字节）。请带到县里；文件已加密，只有县里能打开。</translation>
    </message>
    <message>
        <source>Sealing the batch…</source>
        <translation>正在封装批次……</translation>
    </message>
    <message>
        <source>Choose the update file</source>
        <translation>选择更新文件</translation>
    </message>
    <message>
        <source>Applied: %1 households updated, %2 visits, %3 removed.</source>
        <translation>已应用：更新 %1 户，%2 次走访，移除 %3 户。</translation>
    </message>
    <message>
        <source>Applying the update file…</source>
        <translation>正在应用更新文件……</translation>
    </message>
    <message>
        <source>Sending photos: %1 of %2 left (Cancel stops; the next sync resumes)</source>
        <translation>正在发送照片：还剩 %1,共 %2（可取消，下次同步从中断处继续）</translation>
    </message>
    <message>
        <source>Photos waiting to be sent: %1 (%2); they go after the records.</source>
        <translation>待发送照片：%1 张（%2），在记录之后发送。</translation>
    </message>
    <message>
        <source>Stopped. What was sent is kept by the county; the next sync resumes where this one stopped.</source>
        <translation>已停止。已发送的部分县里会保留，下次同步从中断处继续。</translation>
    </message>
</context>
<context>
    <name>UnlockPage</name>
    <message>
        <source>FieldSurvey household visits</source>
        <translation>FieldSurvey 入户走访</translation>
    </message>
    <message>
        <source>The household data on this computer is encrypted. Enter your passphrase to open it.</source>
        <translation>这台电脑上的农户数据已加密。请输入密码短语打开。</translation>
    </message>
    <message>
        <source>Recovery key (the 8 groups of letters shown when the data was set up):</source>
        <translation>恢复密钥（设置数据时显示的8组字母）：</translation>
    </message>
    <message>
        <source>Use the passphrase instead</source>
        <translation>改用密码短语</translation>
    </message>
    <message>
        <source>Passphrase:</source>
        <translation>密码短语：</translation>
    </message>
    <message>
        <source>Forgot the passphrase? Use the recovery key</source>
        <translation>忘记密码短语？使用恢复密钥</translation>
    </message>
    <message>
        <source>Show what I type</source>
        <translation>显示输入内容</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Unlocking… this takes a moment.</source>
        <translation>正在解锁……请稍候。</translation>
    </message>
    <message>
        <source>Demo data: the passphrase printed when it was prepared is already filled in: %1</source>
        <translation>示范数据：生成时显示的密码短语已经填好：%1</translation>
    </message>
    <message>
        <source>Data folder: %1</source>
        <translation>数据文件夹：%1</translation>
    </message>
    <message>
        <source>Enter the recovery key.</source>
        <translation>请输入恢复密钥。</translation>
    </message>
    <message>
        <source>Enter the passphrase.</source>
        <translation>请输入密码短语。</translation>
    </message>
</context>
<context>
    <name>VillagesDialog</name>
    <message>
        <source>Villages of %1</source>
        <translation>%1 负责的村</translation>
    </message>
</context>
<context>
    <name>VisitEditor</name>
    <message>
        <source>Opening the visit…</source>
        <translation>正在打开走访…</translation>
    </message>
    <message>
        <source>This household&apos;s draft is already open in another tab. Press Esc to close this one.</source>
        <translation>该户的草稿已在另一个标签页中打开。按 Esc 关闭此页。</translation>
    </message>
    <message>
        <source>Check the visit and finalize it (Ctrl+Enter)</source>
        <translation>检查并提交本次走访（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Correct (amend)…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <source>Discard draft…</source>
        <translation>删除草稿…</translation>
    </message>
    <message>
        <source>Find a question (Ctrl+F)</source>
        <translation>查找题目（Ctrl+F）</translation>
    </message>
    <message>
        <source>Form language:</source>
        <translation>表单语言：</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>走访</translation>
    </message>
    <message>
        <source>Visit to %1&apos;s household</source>
        <translation>%1户走访</translation>
    </message>
    <message>
        <source>finalized (read-only)</source>
        <translation>已提交（只读）</translation>
    </message>
    <message>
        <source>correction draft</source>
        <translation>更正草稿</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Visit: %1</source>
        <translation>走访：%1户</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未能保存：%1</translation>
    </message>
    <message>
        <source>Draft saved %1</source>
        <translation>草稿已保存 %1</translation>
    </message>
    <message>
        <source>Not finalized yet</source>
        <translation>暂不能提交</translation>
    </message>
    <message>
        <source>%1 problem(s) must be corrected before the visit can be finalized. They are marked in red and listed on the left; click one to go there.</source>
        <translation>还有 %1 处问题需要改正才能提交。问题已用红色标出并列在左侧，点击即可跳转到该处。</translation>
    </message>
    <message>
        <source>Finalize the visit</source>
        <translation>提交走访</translation>
    </message>
    <message>
        <source>Finalize this visit? It cannot be changed afterwards; a correction is made as an amendment with a reason. The household&apos;s register takes the answers now.</source>
        <translation>确定提交本次走访吗？提交后不能再修改，如需更正须新建更正记录并说明原因。提交时，户的登记信息将按本次走访的答案更新。</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>……另有 %1 条</translation>
    </message>
    <message>
        <source>Please check these %1 warning(s) first:</source>
        <translation>请先核实以下 %1 条提醒：</translation>
    </message>
    <message>
        <source>Finalize</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>Finalizing…</source>
        <translation>正在提交…</translation>
    </message>
    <message>
        <source>Finalized and saved.</source>
        <translation>已提交并保存。</translation>
    </message>
    <message>
        <source>Discard draft</source>
        <translation>删除草稿</translation>
    </message>
    <message>
        <source>Discard this draft? Its answers are deleted. The household&apos;s register is not changed.</source>
        <translation>确定删除这份草稿吗？草稿中的答案将被删除，户的登记信息不变。</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>The draft was discarded. Press Esc to close this page.</source>
        <translation>草稿已删除。按 Esc 关闭此页。</translation>
    </message>
    <message>
        <source>Visit (discarded)</source>
        <translation>走访（已删除）</translation>
    </message>
    <message>
        <source>Registered member</source>
        <translation>已登记成员</translation>
    </message>
    <message>
        <source>%1 is in the register and is not deleted from a visit. If they left the household, choose the reason under “Member change” in their entry (it is recorded when the visit is finalized), or record it now with the member-change dialog. Delete only entries made by mistake.</source>
        <translation>%1是已登记成员，不能从走访中删除。如已离开本户，请在其条目的“人员变更”中选择原因（提交走访时记录），或现在用人员变更对话框登记。只有录错的条目才删除。</translation>
    </message>
    <message>
        <source>Go to “Member change”</source>
        <translation>转到“人员变更”</translation>
    </message>
    <message>
        <source>Member change dialog…</source>
        <translation>人员变更对话框…</translation>
    </message>
    <message>
        <source>Remove entry</source>
        <translation>删除条目</translation>
    </message>
    <message>
        <source>Remove “%1” and everything entered for it?</source>
        <translation>删除“%1”及其填写的全部内容吗？</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Finalized %1 by %2. A finalized visit does not change; use “Correct (amend)” for a correction.</source>
        <translation>%2于 %1 提交。已提交的走访不再改变；如需更正，请点击“更正”。</translation>
    </message>
    <message>
        <source>Correction of the visit of %1. Reason: %2</source>
        <translation>更正 %1 的走访。更正原因：%2</translation>
    </message>
    <message>
        <source>This household already has a draft (started %1); it continues here. A household has one draft at a time.</source>
        <translation>该户已有一份草稿（%1 开始），在此继续填写。每户同时只保留一份草稿。</translation>
    </message>
    <message>
        <source>New visit: the answers start from the register. Confirm or correct each one; the draft is saved as you go.</source>
        <translation>新走访：答案取自登记信息，请逐项核实或更正；填写内容随时自动保存为草稿。</translation>
    </message>
    <message>
        <source>Finali&amp;ze…</source>
        <translation>提交(&amp;Z)…</translation>
    </message>
    <message>
        <source>Part of a question&apos;s words, its pinyin initials or its full pinyin (e.g. tsts or tingshui for 停水天数)</source>
        <translation>题目中的字词、拼音首字母或全拼（如 tsts 或 tingshui 可找到“停水天数”）</translation>
    </message>
</context>
<context>
    <name>VisitInputs</name>
    <message>
        <source>Pick a date from the calendar</source>
        <translation>从日历中选择日期</translation>
    </message>
    <message>
        <source>(not answered)</source>
        <translation>（未填写）</translation>
    </message>
    <message>
        <source>%1 (no longer offered)</source>
        <translation>%1（已不可选）</translation>
    </message>
    <message>
        <source>Clear the answer</source>
        <translation>清除答案</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>, altitude %1 m</source>
        <translation>，海拔 %1 米</translation>
    </message>
    <message>
        <source>; accuracy: none (typed)</source>
        <translation>；精度：无（手工输入）</translation>
    </message>
    <message>
        <source>Accept order</source>
        <translation>按此顺序排名</translation>
    </message>
    <message>
        <source>Fill in the date and time now</source>
        <translation>填入当前日期和时间</translation>
    </message>
    <message>
        <source>Fill in the time now</source>
        <translation>填入当前时间</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>Rank the items in the order shown</source>
        <translation>按显示的顺序排名</translation>
    </message>
    <message>
        <source>Type or paste the coordinates (decimal degrees): latitude −90 to 90, longitude −180 to 180, then the altitude in metres if known.</source>
        <translation>输入或粘贴坐标（十进制度）：纬度 −90 到 90，经度 −180 到 180，已知时再加海拔（米）。</translation>
    </message>
    <message>
        <source>lat %1, lon %2</source>
        <translation>纬度 %1，经度 %2</translation>
    </message>
    <message>
        <source>latitude longitude [altitude], e.g. 30.6586 104.0647</source>
        <translation>纬度 经度 [海拔]，如 30.6586 104.0647</translation>
    </message>
</context>
<context>
    <name>VisitNavigator</name>
    <message>
        <source>Whole visit</source>
        <translation>整份走访</translation>
    </message>
    <message>
        <source>%1 error(s) to correct</source>
        <translation>%1 处错误待改正</translation>
    </message>
    <message>
        <source>%1 warning(s) to check</source>
        <translation>%1 条提醒待核实</translation>
    </message>
    <message>
        <source>Nothing to correct</source>
        <translation>没有需要改正的</translation>
    </message>
    <message>
        <source>No problems found</source>
        <translation>未发现问题</translation>
    </message>
    <message>
        <source>%1 required answer(s) still missing; they are listed when you finalize</source>
        <translation>还有 %1 项必填未填写，点击“提交”时列出</translation>
    </message>
    <message>
        <source>Problems: %1 error(s), %2 warning(s)</source>
        <translation>问题：%1 处错误，%2 条提醒</translation>
    </message>
</context>
<context>
    <name>VisitPanels</name>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Add an entry</source>
        <translation>添加一条</translation>
    </message>
    <message>
        <source>Add a member</source>
        <translation>添加成员</translation>
    </message>
    <message>
        <source>Member change…</source>
        <translation>人员变更…</translation>
    </message>
    <message>
        <source>Record a birth, marriage, death or move in the register</source>
        <translation>在登记信息中记录出生、婚嫁、死亡或迁移</translation>
    </message>
    <message>
        <source>No entries.</source>
        <translation>暂无条目。</translation>
    </message>
    <message>
        <source>Drawing the section…</source>
        <translation>正在显示本节…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>VisitReview</name>
    <message>
        <source>Comment for the secretary:</source>
        <translation>给书记的意见：</translation>
    </message>
    <message>
        <source>Mark as having issues</source>
        <translation>标记为有问题</translation>
    </message>
    <message>
        <source>Mark as checked</source>
        <translation>标记为已审核</translation>
    </message>
    <message>
        <source>Choose a visit in the list.</source>
        <translation>请在列表中选择一次走访。</translation>
    </message>
    <message>
        <source>Visitor: %1</source>
        <translation>走访人：%1</translation>
    </message>
    <message>
        <source>Findings: %1</source>
        <translation>走访情况：%1</translation>
    </message>
    <message>
        <source>Corrects an earlier visit: %1</source>
        <translation>更正此前的走访：%1</translation>
    </message>
    <message>
        <source>by %1</source>
        <translation>审核人 %1</translation>
    </message>
    <message>
        <source>Review: %1</source>
        <translation>审核：%1</translation>
    </message>
    <message>
        <source>Say what is wrong, so the secretary can correct it.</source>
        <translation>请写明问题，以便书记更正。</translation>
    </message>
</context>
<context>
    <name>VisitsPage</name>
    <message>
        <source>Not reviewed</source>
        <translation>未审核</translation>
    </message>
    <message>
        <source>All visits</source>
        <translation>全部走访</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Welcome to FieldSurvey</source>
        <translation>欢迎使用 FieldSurvey</translation>
    </message>
    <message>
        <source>This assistant sets up this computer for household visits. The household data will be stored encrypted in the data folder below; only your passphrase (or the recovery key) can open it.</source>
        <translation>本向导将为入户走访设置这台电脑。农户数据将加密保存在下面的数据文件夹中，只有您的密码短语（或恢复密钥）才能打开。</translation>
    </message>
    <message>
        <source>Language of the program:</source>
        <translation>程序界面语言：</translation>
    </message>
    <message>
        <source>Data folder: %1</source>
        <translation>数据文件夹：%1</translation>
    </message>
</context>
</TS>
