<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Audit</name>
    <message>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>returned</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>certified</source>
        <translation>已认证</translation>
    </message>
    <message>
        <source>initial</source>
        <translation>初次评审</translation>
    </message>
    <message>
        <source>surveillance</source>
        <translation>监督评审</translation>
    </message>
    <message>
        <source>reassessment</source>
        <translation>再认证评审</translation>
    </message>
</context>
<context>
    <name>AuditEditor</name>
    <message>
        <source>Audit</source>
        <translation>评审</translation>
    </message>
    <message>
        <source>Filter criteria by id or text</source>
        <translation>按编号或文字筛选条款</translation>
    </message>
    <message>
        <source>Only what is still missing before I can submit</source>
        <translation>仅显示提交前尚缺的项目</translation>
    </message>
    <message>
        <source>Also show criteria the scope excludes</source>
        <translation>同时显示评审范围之外的条款</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Audit of %1[*]</source>
        <translation>%1 的评审[*]</translation>
    </message>
    <message>
        <source>%1 criteria still missing before submission.</source>
        <translation>提交前尚有 %1 项条款未完成。</translation>
    </message>
    <message>
        <source>Every applicable criterion is rated.</source>
        <translation>所有适用条款均已评定。</translation>
    </message>
    <message>
        <source>Returned by the reviewer: %1</source>
        <translation>复核人已退回：%1</translation>
    </message>
    <message>
        <source>(not rated)</source>
        <translation>（未评定）</translation>
    </message>
    <message>
        <source>Select a criterion.</source>
        <translation>请选择一项条款。</translation>
    </message>
    <message>
        <source>No user</source>
        <translation>未选择用户</translation>
    </message>
    <message>
        <source>Choose the user you act as (File &gt; Switch user) before editing.</source>
        <translation>编辑前请先选择您的用户身份（文件 &gt; 切换用户）。</translation>
    </message>
    <message>
        <source>Importing evidence…</source>
        <translation>正在导入证据…</translation>
    </message>
    <message numerus="yes">
        <source>attach %n file(s)</source>
        <translation>
            <numerusform>附加 %n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <source>Record sample</source>
        <translation>记录样本</translation>
    </message>
    <message>
        <source>Your passphrase:</source>
        <translation>您的口令：</translation>
    </message>
    <message>
        <source>Submit for review</source>
        <translation>提交复核</translation>
    </message>
    <message>
        <source>Submitting signs the audit with your personal key.
Your passphrase:</source>
        <translation>提交时将以您的个人密钥对评审签名。
您的口令：</translation>
    </message>
    <message>
        <source>Rating:</source>
        <translation>评定：</translation>
    </message>
    <message>
        <source>N/A justification:</source>
        <translation>不适用理由：</translation>
    </message>
    <message>
        <source>Why the criterion does not apply</source>
        <translation>该条款为何不适用</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>评审范围</translation>
    </message>
    <message>
        <source>Submit for review…</source>
        <translation>提交复核…</translation>
    </message>
</context>
<context>
    <name>AuditsPage</name>
    <message>
        <source>All audits</source>
        <translation>全部评审</translation>
    </message>
    <message>
        <source>Being assessed</source>
        <translation>评审中</translation>
    </message>
    <message>
        <source>Waiting for review</source>
        <translation>待复核</translation>
    </message>
    <message>
        <source>Approved, to issue</source>
        <translation>已批准，待发证</translation>
    </message>
    <message>
        <source>Certified</source>
        <translation>已认证</translation>
    </message>
    <message numerus="yes">
        <source>%n audit(s)</source>
        <translation>
            <numerusform>共 %n 项评审</numerusform>
        </translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>New audit…</source>
        <translation>新建评审…</translation>
    </message>
    <message>
        <source>Open editor</source>
        <translation>打开编辑器</translation>
    </message>
    <message>
        <source>Review…</source>
        <translation>复核…</translation>
    </message>
    <message>
        <source>Issue certificate…</source>
        <translation>签发证书…</translation>
    </message>
</context>
<context>
    <name>Certificate</name>
    <message>
        <source>valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>suspended</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>Suspend certificate %1</source>
        <translation>暂停证书 %1</translation>
    </message>
    <message>
        <source>Reinstate certificate %1</source>
        <translation>恢复证书 %1</translation>
    </message>
    <message>
        <source>Revoke certificate %1</source>
        <translation>撤销证书 %1</translation>
    </message>
    <message>
        <source>%1 (overdue)</source>
        <translation>%1（已逾期）</translation>
    </message>
</context>
<context>
    <name>CertificatesPage</name>
    <message numerus="yes">
        <source>%n certificate(s)</source>
        <translation>
            <numerusform>共 %n 张证书</numerusform>
        </translation>
    </message>
    <message>
        <source>Certificate %1 updated; the registry is published.</source>
        <translation>证书 %1 已更新，登记册已发布。</translation>
    </message>
    <message>
        <source>Export registry</source>
        <translation>导出登记册</translation>
    </message>
    <message>
        <source>Registry (*.json)</source>
        <translation>登记册 (*.json)</translation>
    </message>
    <message>
        <source>The registry head is signed with the issuer key.
Issuer key passphrase:</source>
        <translation>登记册树头将以签发密钥签名。
签发密钥口令：</translation>
    </message>
    <message>
        <source>Exporting the registry…</source>
        <translation>正在导出登记册…</translation>
    </message>
    <message>
        <source>Registry exported to %1</source>
        <translation>登记册已导出至 %1</translation>
    </message>
    <message>
        <source>Overdue surveillance only</source>
        <translation>仅显示监督评审逾期的证书</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Export registry…</source>
        <translation>导出登记册…</translation>
    </message>
    <message>
        <source>Suspend…</source>
        <translation>暂停…</translation>
    </message>
    <message>
        <source>Reinstate…</source>
        <translation>恢复…</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>撤销…</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <source>Certificates</source>
        <translation>证书数</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
</context>
<context>
    <name>Check</name>
    <message>
        <source>Reading the input</source>
        <translation>读取输入</translation>
    </message>
    <message>
        <source>Trust file</source>
        <translation>信任文件</translation>
    </message>
    <message>
        <source>Registry file</source>
        <translation>登记册文件</translation>
    </message>
    <message>
        <source>Checklist file</source>
        <translation>检查表文件</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>PDF signature</source>
        <translation>PDF 签名</translation>
    </message>
    <message>
        <source>Seal in the PDF</source>
        <translation>PDF 中的印章</translation>
    </message>
    <message>
        <source>PDF signer</source>
        <translation>PDF 签署者</translation>
    </message>
    <message>
        <source>Integrity</source>
        <translation>完整性</translation>
    </message>
    <message>
        <source>Seal signature</source>
        <translation>印章签名</translation>
    </message>
    <message>
        <source>Issuer key</source>
        <translation>签发者密钥</translation>
    </message>
    <message>
        <source>Seal file details</source>
        <translation>印章文件明细</translation>
    </message>
    <message>
        <source>Grade recomputation</source>
        <translation>等级复算</translation>
    </message>
    <message>
        <source>Registry status</source>
        <translation>登记状态</translation>
    </message>
    <message>
        <source>Validity dates</source>
        <translation>有效日期</translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>未通过</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>跳过</translation>
    </message>
</context>
<context>
    <name>Column</name>
    <message>
        <source>Legal name</source>
        <translation>法定名称</translation>
    </message>
    <message>
        <source>Trading names</source>
        <translation>经营名称</translation>
    </message>
    <message>
        <source>Registration no.</source>
        <translation>注册号</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>国家/地区</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>添加日期</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>签发日期</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>证书</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Certifiable</source>
        <translation>可认证</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>接收时间</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Office value</source>
        <translation>办公室数据</translation>
    </message>
    <message>
        <source>Field value</source>
        <translation>现场数据</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>检查表</translation>
    </message>
    <message>
        <source>Assessors</source>
        <translation>评审员</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>复核人</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>完成日期</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查项</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Durations</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Checks against the form</source>
        <translation>对照检查表的核查</translation>
    </message>
    <message>
        <source>Criterion</source>
        <translation>条款</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Previous audit</source>
        <translation>上次评审</translation>
    </message>
    <message>
        <source>This audit</source>
        <translation>本次评审</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>变更</translation>
    </message>
    <message>
        <source>Merchant</source>
        <translation>商户</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Valid from</source>
        <translation>生效日期</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Surveillance due</source>
        <translation>监督评审到期</translation>
    </message>
    <message>
        <source>Seal hash</source>
        <translation>印章哈希</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>到期日</translation>
    </message>
    <message>
        <source>Days overdue</source>
        <translation>逾期天数</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>领域</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
</context>
<context>
    <name>Complaint</name>
    <message>
        <source>received</source>
        <translation>已收到</translation>
    </message>
    <message>
        <source>investigating</source>
        <translation>调查中</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <source>dismissed</source>
        <translation>已驳回</translation>
    </message>
</context>
<context>
    <name>ConflictsDialog</name>
    <message>
        <source>open</source>
        <translation>未解决</translation>
    </message>
    <message>
        <source>Field package conflicts</source>
        <translation>外业数据包冲突</translation>
    </message>
    <message>
        <source>Show resolved conflicts</source>
        <translation>显示已解决的冲突</translation>
    </message>
    <message>
        <source>Office note</source>
        <translation>办公室备注</translation>
    </message>
    <message>
        <source>Field note</source>
        <translation>现场备注</translation>
    </message>
    <message>
        <source>Your passphrase (the choice is journaled in your name)</source>
        <translation>您的口令（所作选择将以您的名义记入日志）</translation>
    </message>
    <message>
        <source>Keep office</source>
        <translation>保留办公室版本</translation>
    </message>
    <message>
        <source>Take field</source>
        <translation>采用现场版本</translation>
    </message>
    <message>
        <source>Merge notes</source>
        <translation>合并备注</translation>
    </message>
    <message>
        <source>Keep the office version and append the field note to the office note</source>
        <translation>保留办公室版本，并将现场备注追加到办公室备注之后</translation>
    </message>
    <message numerus="yes">
        <source>%n open conflict(s)</source>
        <translation>
            <numerusform>%n 项未解决的冲突</numerusform>
        </translation>
    </message>
    <message>
        <source>Select a conflict to compare the two versions.</source>
        <translation>选择一项冲突以比较两个版本。</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 %2&lt;/b&gt; of audit %3, changed here and by %4 in the field.</source>
        <translation>评审 %3 的 &lt;b&gt;%1 %2&lt;/b&gt;：本地和现场的 %4 都作了修改。</translation>
    </message>
    <message>
        <source>Choose a user first (File &gt; Switch user).</source>
        <translation>请先选择用户（文件 &gt; 切换用户）。</translation>
    </message>
    <message>
        <source>Enter your passphrase to record the choice.</source>
        <translation>请输入口令以记录您的选择。</translation>
    </message>
    <message>
        <source>%1 %2: %3 recorded in the audit journal.</source>
        <translation>%1 %2：%3 已记入评审日志。</translation>
    </message>
</context>
<context>
    <name>CriteriaModel</name>
    <message>
        <source>Criterion</source>
        <translation>条款</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评定</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>does not apply</source>
        <translation>不适用于此范围</translation>
    </message>
    <message>
        <source>carried over</source>
        <translation>沿用上次</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>尚缺</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Read the figures again from the database (F5)</source>
        <translation>从数据库重新读取数据（F5）</translation>
    </message>
    <message>
        <source>Grades of valid certificates</source>
        <translation>有效证书的等级分布</translation>
    </message>
    <message>
        <source>Click a bar to list its certificates.</source>
        <translation>点击柱形可列出相应证书。</translation>
    </message>
    <message>
        <source>Weakest domains (latest audit of each merchant)</source>
        <translation>最薄弱的领域（各商户最近一次评审）</translation>
    </message>
    <message>
        <source>Click a cell to list the merchants at or below that score.</source>
        <translation>点击单元格可列出得分不高于该值的商户。</translation>
    </message>
    <message>
        <source>Due soon</source>
        <translation>即将到期</translation>
    </message>
    <message>
        <source>Grade history</source>
        <translation>等级历史</translation>
    </message>
    <message>
        <source>Merchant:</source>
        <translation>商户：</translation>
    </message>
    <message>
        <source>Figures as of %1</source>
        <translation>数据截至 %1</translation>
    </message>
    <message>
        <source>Expiring in %1 days (%2)</source>
        <translation>%1 天内到期（%2）</translation>
    </message>
    <message>
        <source>Overdue surveillance (%1)</source>
        <translation>监督评审逾期（%1）</translation>
    </message>
    <message numerus="yes">
        <source>Grade %1: %n certificate(s)</source>
        <translation>
            <numerusform>等级 %1：%n 张证书</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 at or below %2: %n merchant(s)</source>
        <translation>
            <numerusform>%1 得分不高于 %2：%n 家商户</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EditCommand</name>
    <message>
        <source>rate %1</source>
        <translation>评定 %1</translation>
    </message>
    <message>
        <source>note on %1</source>
        <translation>%1 的备注</translation>
    </message>
    <message>
        <source>justification of %1</source>
        <translation>%1 的不适用理由</translation>
    </message>
    <message>
        <source>nonconformity of %1</source>
        <translation>%1 的不符合项</translation>
    </message>
    <message>
        <source>change scope</source>
        <translation>更改评审范围</translation>
    </message>
    <message>
        <source>attach %1</source>
        <translation>附加 %1</translation>
    </message>
    <message>
        <source>remove evidence</source>
        <translation>移除证据</translation>
    </message>
</context>
<context>
    <name>EvidencePanel</name>
    <message>
        <source>Drop files here to attach them to this criterion.</source>
        <translation>将文件拖放到此处，即可附加到本条款。</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Add URL capture…</source>
        <translation>添加网页存档…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Select evidence to preview it.</source>
        <translation>选择证据以预览。</translation>
    </message>
    <message>
        <source>Attach evidence</source>
        <translation>附加证据</translation>
    </message>
    <message>
        <source>URL capture</source>
        <translation>网页存档</translation>
    </message>
    <message>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>note</source>
        <translation>笔记</translation>
    </message>
    <message>
        <source>Address of the page you captured:</source>
        <translation>所存档网页的地址：</translation>
    </message>
    <message>
        <source>The saved capture of that page</source>
        <translation>该网页的存档文件</translation>
    </message>
    <message>
        <source>Captures (*.pdf *.png *.jpg *.jpeg *.mhtml *.html *.webp);;All files (*)</source>
        <translation>网页存档 (*.pdf *.png *.jpg *.jpeg *.mhtml *.html *.webp);;所有文件 (*)</translation>
    </message>
    <message>
        <source>No preview for %1 (%2).</source>
        <translation>%1 无法预览（%2）。</translation>
    </message>
</context>
<context>
    <name>ExportPackageDialog</name>
    <message>
        <source>Export field package</source>
        <translation>导出外业数据包</translation>
    </message>
    <message>
        <source>Audits: from the field to the office</source>
        <translation>评审：从现场发往办公室</translation>
    </message>
    <message>
        <source>Assignments: from the office to the field</source>
        <translation>任务：从办公室发往现场</translation>
    </message>
    <message>
        <source>The body&apos;s package key (office inbox)</source>
        <translation>本机构的数据包密钥（办公室收件箱）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Package:</source>
        <translation>数据包：</translation>
    </message>
    <message>
        <source>Encrypt to:</source>
        <translation>加密给：</translation>
    </message>
    <message>
        <source>Save as:</source>
        <translation>另存为：</translation>
    </message>
    <message>
        <source>Your passphrase:</source>
        <translation>您的口令：</translation>
    </message>
    <message>
        <source>Audits to carry (select one or more):</source>
        <translation>要携带的评审（可选一项或多项）：</translation>
    </message>
    <message>
        <source>User %1&apos;s personal key</source>
        <translation>用户 %1 的个人密钥</translation>
    </message>
    <message>
        <source>Select at least one audit.</source>
        <translation>请至少选择一项评审。</translation>
    </message>
    <message>
        <source>Choose where to save the package.</source>
        <translation>请选择数据包的保存位置。</translation>
    </message>
    <message>
        <source>Choose a user first (File &gt; Switch user).</source>
        <translation>请先选择用户（文件 &gt; 切换用户）。</translation>
    </message>
    <message>
        <source>Enter your passphrase: the package is signed with your key.</source>
        <translation>请输入口令：数据包将以您的密钥签名。</translation>
    </message>
    <message>
        <source>Writing the package…</source>
        <translation>正在写入数据包…</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Users (passphrase): %1</source>
        <translation>用户（口令）：%1</translation>
    </message>
    <message>
        <source>Enter the certification body&apos;s name.</source>
        <translation>请输入认证机构名称。</translation>
    </message>
    <message>
        <source>The login may use lower-case letters, digits, dots, hyphens and underscores (2 to 64).</source>
        <translation>登录名只能使用小写字母、数字、点、连字符和下划线（2 至 64 个字符）。</translation>
    </message>
    <message>
        <source>Enter the administrator&apos;s full name.</source>
        <translation>请输入管理员的姓名。</translation>
    </message>
    <message>
        <source>The passphrase needs at least %1 characters.</source>
        <translation>口令至少需要 %1 个字符。</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>两次输入的口令不一致。</translation>
    </message>
    <message>
        <source>Creating the database and the keys…</source>
        <translation>正在创建数据库和密钥…</translation>
    </message>
    <message>
        <source>Creating the demo data…</source>
        <translation>正在创建演示数据…</translation>
    </message>
    <message>
        <source>Welcome to certbench</source>
        <translation>欢迎使用 certbench</translation>
    </message>
    <message>
        <source>There is no certbench database on this computer yet. Create one for your certification body, open the demo data to look around, or use a database that already exists (for example your office&apos;s shared server).</source>
        <translation>本机尚无 certbench 数据库。您可以为本认证机构新建一个，打开演示数据先行了解，或使用已有的数据库（例如机构的共享服务器）。</translation>
    </message>
    <message>
        <source>&amp;Create a certification body</source>
        <translation>新建认证机构(&amp;C)</translation>
    </message>
    <message>
        <source>Certification body and first administrator</source>
        <translation>认证机构及首位管理员</translation>
    </message>
    <message>
        <source>Body &amp;name:</source>
        <translation>机构名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>地址(&amp;A)：</translation>
    </message>
    <message>
        <source>Administrator &amp;login:</source>
        <translation>管理员登录名(&amp;L)：</translation>
    </message>
    <message>
        <source>e.g. zhang.min</source>
        <translation>例如 zhang.min</translation>
    </message>
    <message>
        <source>Full na&amp;me:</source>
        <translation>姓名(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Passphrase:</source>
        <translation>口令(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Repeat passphrase:</source>
        <translation>再次输入口令(&amp;R)：</translation>
    </message>
    <message>
        <source>The passphrase protects the administrator&apos;s personal key and the body&apos;s certificate signing key. It cannot be recovered.</source>
        <translation>该口令用于保护管理员的个人密钥和本机构的证书签名密钥，遗失后无法找回。</translation>
    </message>
    <message>
        <source>Open the &amp;demo data</source>
        <translation>打开演示数据(&amp;D)</translation>
    </message>
    <message>
        <source>A sample certification body with three merchants, their audits and two signed certificates, kept in a folder of its own.</source>
        <translation>一个示例认证机构，包含三家商户、其评审记录和两张已签名的证书，单独存放在一个文件夹中。</translation>
    </message>
    <message>
        <source>&amp;Use an existing database…</source>
        <translation>使用已有数据库(&amp;U)…</translation>
    </message>
</context>
<context>
    <name>GradePanel</name>
    <message>
        <source>%c is not rated yet</source>
        <translation>%c 尚未评定</translation>
    </message>
    <message>
        <source>%c is not a criterion of this form</source>
        <translation>%c 不是本检查表的条款</translation>
    </message>
    <message>
        <source>%c has a rating the form does not know (%d)</source>
        <translation>%c 的评定值不在本检查表的评级中（%d）</translation>
    </message>
    <message>
        <source>%c is rated but does not apply to the scope</source>
        <translation>%c 已评定，但不适用于本评审范围</translation>
    </message>
    <message>
        <source>%c is rated not applicable without a justification</source>
        <translation>%c 评为不适用，但未说明理由</translation>
    </message>
    <message>
        <source>critical criterion %c is not fully met: not certifiable</source>
        <translation>关键条款 %c 未完全符合：不可认证</translation>
    </message>
    <message>
        <source>domain %o is below its floor: the grade is capped (%d)</source>
        <translation>领域 %o 低于最低分：等级受限（%d）</translation>
    </message>
    <message>
        <source>the overall score is below the lowest grade band</source>
        <translation>总分低于最低等级线</translation>
    </message>
    <message>
        <source>no criterion applies to this scope</source>
        <translation>没有适用于本评审范围的条款</translation>
    </message>
    <message>
        <source>not certifiable</source>
        <translation>不可认证</translation>
    </message>
    <message>
        <source>(so far: incomplete)</source>
        <translation>（目前：尚未完成）</translation>
    </message>
    <message>
        <source>Overall score: %1</source>
        <translation>总分：%1</translation>
    </message>
    <message>
        <source>What limits the grade (%1):</source>
        <translation>限制等级的因素（%1）：</translation>
    </message>
    <message>
        <source>floor %1 %</source>
        <translation>最低分 %1 %</translation>
    </message>
</context>
<context>
    <name>ImportPackageDialog</name>
    <message>
        <source>Import field package</source>
        <translation>导入外业数据包</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>no user chosen</source>
        <translation>未选择用户</translation>
    </message>
    <message>
        <source>My personal key (%1)</source>
        <translation>我的个人密钥（%1）</translation>
    </message>
    <message>
        <source>Key file:</source>
        <translation>密钥文件：</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Resolve conflicts…</source>
        <translation>解决冲突…</translation>
    </message>
    <message>
        <source>Package file:</source>
        <translation>数据包文件：</translation>
    </message>
    <message>
        <source>Open with:</source>
        <translation>打开方式：</translation>
    </message>
    <message>
        <source>Passphrase:</source>
        <translation>口令：</translation>
    </message>
    <message>
        <source>Choose the package file.</source>
        <translation>请选择数据包文件。</translation>
    </message>
    <message>
        <source>Choose the key file, or use your personal key.</source>
        <translation>请选择密钥文件，或使用您的个人密钥。</translation>
    </message>
    <message>
        <source>Choose a user first (File &gt; Switch user).</source>
        <translation>请先选择用户（文件 &gt; 切换用户）。</translation>
    </message>
    <message>
        <source>Enter the key&apos;s passphrase.</source>
        <translation>请输入该密钥的口令。</translation>
    </message>
    <message>
        <source>Checking the package…</source>
        <translation>正在检查数据包…</translation>
    </message>
    <message>
        <source>Importing the package…</source>
        <translation>正在导入数据包…</translation>
    </message>
    <message>
        <source>This package was imported before: nothing changed.</source>
        <translation>此数据包此前已导入，没有任何变化。</translation>
    </message>
    <message>
        <source>Imported: %1 new, %2 updated, %3 unchanged, %4 kept, %5 conflicts, %6 new evidence files.</source>
        <translation>已导入：新增 %1，更新 %2，未变 %3，保留 %4，冲突 %5，新证据文件 %6 个。</translation>
    </message>
</context>
<context>
    <name>ImportProblemsDialog</name>
    <message>
        <source>Nothing was imported</source>
        <translation>未导入任何内容</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) found in %1. Nothing was imported: correct the file and import it again.</source>
        <translation>
            <numerusform>在 %1 中发现 %n 个问题。未导入任何内容：请更正文件后重新导入。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InspectionView</name>
    <message>
        <source>Verdict:</source>
        <translation>结论：</translation>
    </message>
    <message>
        <source>Sent by:</source>
        <translation>发送人：</translation>
    </message>
    <message>
        <source>Package:</source>
        <translation>数据包：</translation>
    </message>
    <message>
        <source>Encrypted:</source>
        <translation>已加密：</translation>
    </message>
    <message>
        <source>Audits:</source>
        <translation>评审：</translation>
    </message>
    <message>
        <source>Records:</source>
        <translation>记录：</translation>
    </message>
    <message>
        <source>Evidence:</source>
        <translation>证据：</translation>
    </message>
    <message>
        <source>Checklists:</source>
        <translation>检查表：</translation>
    </message>
    <message>
        <source>Problems:</source>
        <translation>问题：</translation>
    </message>
    <message>
        <source>VERIFIED</source>
        <translation>已核验</translation>
    </message>
    <message>
        <source>NOT VERIFIED</source>
        <translation>未通过核验</translation>
    </message>
    <message>
        <source>%1 (key %2) on %3</source>
        <translation>%1（密钥 %2），%3</translation>
    </message>
    <message>
        <source>yes, to key %1</source>
        <translation>是，加密给密钥 %1</translation>
    </message>
    <message>
        <source>no: for inspection only, it cannot be imported</source>
        <translation>否：仅供检查，不能导入</translation>
    </message>
    <message>
        <source>%1 file(s), %2 bytes; %3</source>
        <translation>%1 个文件，%2 字节；%3</translation>
    </message>
    <message>
        <source>every hash matches</source>
        <translation>所有哈希均一致</translation>
    </message>
    <message>
        <source>HASH MISMATCH</source>
        <translation>哈希不一致</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>IssueDialog</name>
    <message>
        <source>Rendering the preview…</source>
        <translation>正在生成预览…</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: grade %2, score %3 %</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;：等级 %2，得分 %3 %</translation>
    </message>
    <message>
        <source>No preview: %1</source>
        <translation>无法预览：%1</translation>
    </message>
    <message>
        <source>Unlocking the keys…</source>
        <translation>正在解锁密钥…</translation>
    </message>
    <message>
        <source>Signing the seal and the certificate…</source>
        <translation>正在签署印章和证书…</translation>
    </message>
    <message>
        <source>Issuing the certificate…</source>
        <translation>正在签发证书…</translation>
    </message>
    <message>
        <source>Wrong passphrase.</source>
        <translation>口令错误。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Certificate %1 issued&lt;/b&gt; to %2: grade %3, valid %4 to %5.</source>
        <translation>&lt;b&gt;证书 %1 已签发&lt;/b&gt;给 %2：等级 %3，有效期 %4 至 %5。</translation>
    </message>
    <message>
        <source>Issue certificate</source>
        <translation>签发证书</translation>
    </message>
    <message>
        <source>Preview of the certificate page. The number, seal hash and QR code are filled in when you sign.</source>
        <translation>证书页面预览。证书编号、印章哈希和二维码将在签署时填入。</translation>
    </message>
    <message>
        <source>Your passphrase:</source>
        <translation>您的口令：</translation>
    </message>
    <message>
        <source>Issuer key passphrase:</source>
        <translation>签发密钥口令：</translation>
    </message>
    <message>
        <source>Leave empty when it is the same as yours</source>
        <translation>与您的口令相同时请留空</translation>
    </message>
    <message>
        <source>Sign and issue</source>
        <translation>签署并签发</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Certificate file:</source>
        <translation>证书文件：</translation>
    </message>
    <message>
        <source>Seal file:</source>
        <translation>印章文件：</translation>
    </message>
    <message>
        <source>Seal hash:</source>
        <translation>印章哈希：</translation>
    </message>
    <message>
        <source>To read aloud:</source>
        <translation>口述核对码：</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Copy seal hash</source>
        <translation>复制印章哈希</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Merchants</source>
        <translation>商户</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Audits</source>
        <translation>评审</translation>
    </message>
    <message>
        <source>Certificates</source>
        <translation>证书</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>总览</translation>
    </message>
    <message>
        <source>Opening the database…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>opening…</source>
        <translation>正在打开…</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（未选择）</translation>
    </message>
    <message>
        <source>User: %1</source>
        <translation>用户：%1</translation>
    </message>
    <message>
        <source>certbench %1

Audit online merchants against a certification checklist, grade them, and issue signed certificates anyone can verify offline.</source>
        <translation>certbench %1

依据认证检查表评审网络商户、评定等级，并签发任何人均可离线验证的签名证书。</translation>
    </message>
    <message>
        <source>About certbench</source>
        <translation>关于 certbench</translation>
    </message>
    <message>
        <source>certbench</source>
        <translation>certbench</translation>
    </message>
    <message>
        <source>Sections</source>
        <translation>功能区</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Switch &amp;User…</source>
        <translation>切换用户(&amp;U)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Ctrl+Q</source>
        <translation>Ctrl+Q</translation>
    </message>
    <message>
        <source>&amp;Verify a Certificate in a New Window…</source>
        <translation>在新窗口中验证证书(&amp;V)…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;About certbench</source>
        <translation>关于 certbench(&amp;A)</translation>
    </message>
</context>
<context>
    <name>MerchantsPage</name>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message numerus="yes">
        <source>%1 merchant(s)</source>
        <translation>
            <numerusform>共 %1 家商户</numerusform>
        </translation>
    </message>
    <message>
        <source>The list could not be loaded: %1</source>
        <translation>无法加载列表：%1</translation>
    </message>
    <message>
        <source>Select a merchant to see its details.</source>
        <translation>请选择一家商户以查看详情。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Certificates</source>
        <translation>证书</translation>
    </message>
    <message>
        <source>Complaints</source>
        <translation>投诉</translation>
    </message>
    <message>
        <source>Grade history</source>
        <translation>等级历史</translation>
    </message>
    <message>
        <source>This merchant&apos;s details could not be loaded: %1</source>
        <translation>无法加载该商户的详细信息：%1</translation>
    </message>
    <message>
        <source>Search by name, trading name or registration number</source>
        <translation>按名称、经营名称或注册号搜索</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Trading names:</source>
        <translation>经营名称：</translation>
    </message>
    <message>
        <source>Registration number:</source>
        <translation>注册号：</translation>
    </message>
    <message>
        <source>Country:</source>
        <translation>国家/地区：</translation>
    </message>
    <message>
        <source>Added:</source>
        <translation>添加日期：</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <source>Websites and shops:</source>
        <translation>网站和店铺：</translation>
    </message>
    <message>
        <source>Contacts:</source>
        <translation>联系人：</translation>
    </message>
    <message>
        <source>Audits</source>
        <translation>评审</translation>
    </message>
</context>
<context>
    <name>NewAuditDialog</name>
    <message>
        <source>New audit</source>
        <translation>新建评审</translation>
    </message>
    <message>
        <source>Search merchants</source>
        <translation>搜索商户</translation>
    </message>
    <message>
        <source>Merchant:</source>
        <translation>商户：</translation>
    </message>
    <message>
        <source>Checklist:</source>
        <translation>检查表：</translation>
    </message>
    <message>
        <source>Your passphrase:</source>
        <translation>您的口令：</translation>
    </message>
    <message>
        <source>Choose a merchant and a checklist.</source>
        <translation>请选择商户和检查表。</translation>
    </message>
</context>
<context>
    <name>Op</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>PackageDialogs</name>
    <message>
        <source>Field packages (*.cbpkg);;All files (*)</source>
        <translation>外业数据包 (*.cbpkg);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export field package…</source>
        <translation>导出外业数据包…</translation>
    </message>
    <message>
        <source>Import field package…</source>
        <translation>导入外业数据包…</translation>
    </message>
    <message>
        <source>Conflicts…</source>
        <translation>冲突…</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <source>rating</source>
        <translation>评定</translation>
    </message>
    <message>
        <source>n/a justification</source>
        <translation>不适用理由</translation>
    </message>
    <message>
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>%1 took part in this audit as an assessor, so %1 cannot decide on it. Four eyes: the audit must be approved by a reviewer who did not assess it.</source>
        <translation>%1 作为评审员参与了本次评审，因此 %1 不能对其作出决定。四眼原则：评审须由未参与评审的复核人批准。</translation>
    </message>
    <message>
        <source>%1 submitted this audit, so %1 cannot approve it. Four eyes: another reviewer must decide.</source>
        <translation>%1 提交了本次评审，因此 %1 不能批准。四眼原则：须由另一位复核人决定。</translation>
    </message>
    <message>
        <source>%1 does not hold the reviewer role, so %1 cannot decide on audits.</source>
        <translation>%1 不具备复核人角色，因此 %1 不能对评审作出决定。</translation>
    </message>
    <message>
        <source>not certifiable</source>
        <translation>不可认证</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · %2 · %3&lt;br&gt;Assessors: %4 · rated %5 · evidence %6 · grade %7 (%8 %)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · %2 · %3&lt;br&gt;评审员：%4 · 已评定 %5 · 证据 %6 · 等级 %7（%8 %）</translation>
    </message>
    <message>
        <source>This is the merchant&apos;s first audit: there is nothing to compare with.</source>
        <translation>这是该商户的首次评审，没有可比较的记录。</translation>
    </message>
    <message>
        <source>Compared with the %1 audit opened %2: %3 difference(s).</source>
        <translation>与 %2 开始的%1评审相比：%3 处差异。</translation>
    </message>
    <message>
        <source>Write a comment for the assessors first.</source>
        <translation>请先为评审员填写意见。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在核对…</translation>
    </message>
    <message>
        <source>Wrong passphrase.</source>
        <translation>口令错误。</translation>
    </message>
    <message>
        <source>Review audit</source>
        <translation>复核评审</translation>
    </message>
    <message>
        <source>Changes since the previous audit</source>
        <translation>自上次评审以来的变更</translation>
    </message>
    <message>
        <source>Assessor&apos;s journal</source>
        <translation>评审员日志</translation>
    </message>
    <message>
        <source>Comment for the assessors (needed to return the audit):</source>
        <translation>给评审员的意见（退回评审时必填）：</translation>
    </message>
    <message>
        <source>Reviewer:</source>
        <translation>复核人：</translation>
    </message>
    <message>
        <source>Reviewer&apos;s passphrase:</source>
        <translation>复核人口令：</translation>
    </message>
    <message>
        <source>Return with comment</source>
        <translation>附意见退回</translation>
    </message>
    <message>
        <source>Approve and countersign</source>
        <translation>批准并会签</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>SamplesPanel</name>
    <message>
        <source>test purchase</source>
        <translation>测试购买</translation>
    </message>
    <message>
        <source>test return</source>
        <translation>测试退货</translation>
    </message>
    <message>
        <source>contact</source>
        <translation>咨询联系</translation>
    </message>
    <message>
        <source>Record sample</source>
        <translation>记录样本</translation>
    </message>
    <message>
        <source>New sample</source>
        <translation>新样本</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>渠道：</translation>
    </message>
    <message>
        <source>Instants:</source>
        <translation>时间点：</translation>
    </message>
    <message>
        <source>Amounts:</source>
        <translation>金额：</translation>
    </message>
</context>
<context>
    <name>ScopeEditor</name>
    <message>
        <source>Apply scope</source>
        <translation>应用评审范围</translation>
    </message>
    <message>
        <source>Business models:</source>
        <translation>业务模式：</translation>
    </message>
    <message>
        <source>Home market:</source>
        <translation>本国市场：</translation>
    </message>
    <message>
        <source>Target markets:</source>
        <translation>目标市场：</translation>
    </message>
    <message>
        <source>Languages:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Currencies:</source>
        <translation>币种：</translation>
    </message>
    <message>
        <source>Product categories:</source>
        <translation>商品类别：</translation>
    </message>
    <message>
        <source>%1 of %2 criteria apply to this scope.</source>
        <translation>本评审范围适用 %2 项条款中的 %1 项。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Test the connection before saving a new database.</source>
        <translation>保存新的数据库之前，请先测试连接。</translation>
    </message>
    <message>
        <source>Database file</source>
        <translation>数据库文件</translation>
    </message>
    <message>
        <source>SQLite databases (*.sqlite3 *.db)</source>
        <translation>SQLite 数据库 (*.sqlite3 *.db)</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Connected to %1.</source>
        <translation>已连接到 %1。</translation>
    </message>
    <message>
        <source>Cannot connect: %1</source>
        <translation>无法连接：%1</translation>
    </message>
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
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>A new language takes effect the next time certbench starts.</source>
        <translation>新的语言将在下次启动 certbench 时生效。</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>A &amp;file on this computer (SQLite)</source>
        <translation>本机文件（SQLite）(&amp;F)</translation>
    </message>
    <message>
        <source>Path of the database file</source>
        <translation>数据库文件路径</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>A shared &amp;PostgreSQL server</source>
        <translation>共享的 PostgreSQL 服务器(&amp;P)</translation>
    </message>
    <message>
        <source>postgresql://user:password@host:5432/certbench</source>
        <translation>postgresql://用户名:密码@主机:5432/certbench</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
</context>
<context>
    <name>Spreadsheets</name>
    <message>
        <source>Spreadsheets (*.xlsx *.csv);;Excel workbooks (*.xlsx);;CSV files (*.csv)</source>
        <translation>电子表格 (*.xlsx *.csv);;Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx);;CSV files (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Import merchants…</source>
        <translation>导入商户…</translation>
    </message>
    <message>
        <source>Import complaints…</source>
        <translation>导入投诉…</translation>
    </message>
    <message>
        <source>Certificate register…</source>
        <translation>证书登记册…</translation>
    </message>
    <message>
        <source>Findings…</source>
        <translation>审核发现…</translation>
    </message>
    <message>
        <source>Merchants&apos; grade history…</source>
        <translation>商户等级历史…</translation>
    </message>
    <message>
        <source>Overdue corrective actions…</source>
        <translation>逾期纠正措施…</translation>
    </message>
    <message>
        <source>whole file</source>
        <translation>整个文件</translation>
    </message>
    <message>
        <source>Import ratings</source>
        <translation>导入评分</translation>
    </message>
    <message>
        <source>Passphrase of %1:</source>
        <translation>%1 的口令：</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>正在导入 %1…</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n merchant(s).</source>
        <translation>
            <numerusform>已导入 %n 个商户。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n complaint(s).</source>
        <translation>
            <numerusform>已导入 %n 条投诉。</numerusform>
        </translation>
    </message>
    <message>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>正在写入 %1…</translation>
    </message>
    <message>
        <source>Export finished</source>
        <translation>导出完成</translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n row(s) to %1.</source>
        <translation>
            <numerusform>已将 %n 行写入 %1。</numerusform>
        </translation>
    </message>
    <message>
        <source>Ratings template…</source>
        <translation>评分模板…</translation>
    </message>
    <message>
        <source>Import ratings…</source>
        <translation>导入评分…</translation>
    </message>
    <message>
        <source>Spreadsheet</source>
        <translation>电子表格</translation>
    </message>
    <message>
        <source>Ratings template</source>
        <translation>评分模板</translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n criterion(s) to %1.</source>
        <translation>
            <numerusform>已将 %n 项准则写入 %1。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Applied %n rating row(s).</source>
        <translation>
            <numerusform>已应用 %n 行评分。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusChangeDialog</name>
    <message>
        <source>Leave empty when it is the same as yours</source>
        <translation>与您的口令相同时请留空</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <source>Your passphrase:</source>
        <translation>您的口令：</translation>
    </message>
    <message>
        <source>Issuer key passphrase:</source>
        <translation>签发密钥口令：</translation>
    </message>
    <message>
        <source>Give a reason: it is published in the registry.</source>
        <translation>请填写原因：原因将在登记册中公布。</translation>
    </message>
</context>
<context>
    <name>SwitchUserDialog</name>
    <message>
        <source>No user with a personal key exists yet.</source>
        <translation>尚无持有个人密钥的用户。</translation>
    </message>
    <message>
        <source>Checking the passphrase…</source>
        <translation>正在核对口令…</translation>
    </message>
    <message>
        <source>Wrong passphrase.</source>
        <translation>口令错误。</translation>
    </message>
    <message>
        <source>Switch User</source>
        <translation>切换用户</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>用户(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Passphrase:</source>
        <translation>口令(&amp;P)：</translation>
    </message>
</context>
<context>
    <name>Verdict</name>
    <message>
        <source>VALID</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>TAMPERED</source>
        <translation>已被篡改</translation>
    </message>
    <message>
        <source>UNKNOWN ISSUER</source>
        <translation>签发者未知</translation>
    </message>
    <message>
        <source>NOT YET VALID</source>
        <translation>尚未生效</translation>
    </message>
    <message>
        <source>EXPIRED</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>SUSPENDED</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>REVOKED</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <source>MALFORMED</source>
        <translation>格式错误</translation>
    </message>
</context>
<context>
    <name>VerifyWindow</name>
    <message>
        <source>Trust files (*.json);;All files (*)</source>
        <translation>信任文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Registries (*.json);;All files (*)</source>
        <translation>登记册 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Checklists (*.toml);;All files (*)</source>
        <translation>检查表 (*.toml);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>Open a certificate</source>
        <translation>打开证书</translation>
    </message>
    <message>
        <source>Certificates and seals (*.pdf *.cbseal);;All files (*)</source>
        <translation>证书和印章 (*.pdf *.cbseal);;所有文件 (*)</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>文件：%1</translation>
    </message>
    <message numerus="yes">
        <source>Pasted seal text (%n character(s))</source>
        <translation>
            <numerusform>粘贴的印章文本（%n 个字符）</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在核验…</translation>
    </message>
    <message>
        <source>Verify a certificate</source>
        <translation>验证证书</translation>
    </message>
    <message>
        <source>Drop a certificate PDF or a .cbseal file here, open one, or paste the text read from the certificate&apos;s QR code. Nothing is sent anywhere: the check runs on this computer.</source>
        <translation>将证书 PDF 或 .cbseal 文件拖放到此处，或打开文件，或粘贴从证书二维码读取的文本。核验完全在本机进行，不会发送任何数据。</translation>
    </message>
    <message>
        <source>Paste the QR code text (compact JWS) here</source>
        <translation>在此粘贴二维码文本（紧凑 JWS）</translation>
    </message>
    <message>
        <source>&amp;Open File…</source>
        <translation>打开文件(&amp;O)…</translation>
    </message>
    <message>
        <source>Verify &amp;Text</source>
        <translation>验证文本(&amp;T)</translation>
    </message>
    <message>
        <source>What to check against</source>
        <translation>核验依据</translation>
    </message>
    <message>
        <source>Trust file:</source>
        <translation>信任文件：</translation>
    </message>
    <message>
        <source>The issuer&apos;s published trust file (.json)</source>
        <translation>签发机构公布的信任文件（.json）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Registry:</source>
        <translation>登记册：</translation>
    </message>
    <message>
        <source>Optional: the issuer&apos;s registry file, for suspension and revocation</source>
        <translation>可选：签发机构的登记册文件，用于核查暂停和撤销</translation>
    </message>
    <message>
        <source>Checklist:</source>
        <translation>检查表：</translation>
    </message>
    <message>
        <source>Optional: the checklist (.toml), to recompute the grade</source>
        <translation>可选：检查表（.toml），用于复算等级</translation>
    </message>
    <message>
        <source>Nothing verified yet.</source>
        <translation>尚未核验任何证书。</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
</context>
<context>
    <name>Workbench</name>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The new language takes effect when certbench starts again.</source>
        <translation>新的语言将在 certbench 重新启动后生效。</translation>
    </message>
</context>
<context>
    <name>show_exception</name>
    <message>
        <source>certbench</source>
        <translation>certbench</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Something went wrong that certbench did not expect. The details below help the developers fix it.</source>
        <translation>certbench 遇到了意外错误。以下详细信息可帮助开发人员修复问题。</translation>
    </message>
</context>
</TS>
