<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutBox</name>
    <message>
        <source>About Keyhold</source>
        <translation>关于 Keyhold</translation>
    </message>
    <message>
        <source>Keyhold %1</source>
        <translation>Keyhold %1</translation>
    </message>
    <message>
        <source>Chat with OpenAI-compatible servers and make images with OpenAI image models and Midjourney, straight from this computer. Your API keys stay in the operating system&apos;s keyring.</source>
        <translation>直接从这台电脑与 OpenAI 兼容的服务器对话，并用 OpenAI 图像模型和 Midjourney 生成图片。你的 API 密钥只保存在操作系统的密钥环中。</translation>
    </message>
    <message>
        <source>Released under the %1 licence.</source>
        <translation>以 %1 许可证发布。</translation>
    </message>
    <message>
        <source>Keyhold&apos;s own licence is not declared in this build.</source>
        <translation>此版本未声明 Keyhold 自身的许可证。</translation>
    </message>
    <message>
        <source>Third-party components and their licences: Show Details, or Settings ▸ About.</source>
        <translation>第三方组件及其许可证：点击“显示详细信息”，或前往 设置 ▸ 关于。</translation>
    </message>
</context>
<context>
    <name>AboutSection</name>
    <message>
        <source>Keyhold %1</source>
        <translation>Keyhold %1</translation>
    </message>
    <message>
        <source>Keyhold is released under the %1 licence.</source>
        <translation>Keyhold 以 %1 许可证发布。</translation>
    </message>
    <message>
        <source>Keyhold&apos;s own licence is not declared in this build.</source>
        <translation>此版本未声明 Keyhold 自身的许可证。</translation>
    </message>
    <message>
        <source>It is built on these components, each under its own licence. The full licence texts are in %1.</source>
        <translation>Keyhold 使用了以下组件，各自遵循其许可证。完整的许可证文本见 %1。</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>组件</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>Third-party components and their licences</source>
        <translation>第三方组件及其许可证</translation>
    </message>
    <message>
        <source>Open the licence texts</source>
        <translation>打开许可证文本</translation>
    </message>
    <message>
        <source>Open the full licence texts</source>
        <translation>打开完整的许可证文本</translation>
    </message>
</context>
<context>
    <name>AttachmentStrip</name>
    <message>
        <source>(image missing: %1)</source>
        <translation>（图片缺失：%1）</translation>
    </message>
    <message>
        <source>Attached image</source>
        <translation>附加的图片</translation>
    </message>
</context>
<context>
    <name>ChatHeader</name>
    <message>
        <source>temp. default</source>
        <translation>温度：默认</translation>
    </message>
    <message>
        <source>temp. </source>
        <translation>温度 </translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>send the last </source>
        <translation>发送最近 </translation>
    </message>
    <message>
        <source> messages</source>
        <translation> 条消息</translation>
    </message>
    <message>
        <source>send every message</source>
        <translation>发送全部消息</translation>
    </message>
    <message>
        <source>up to </source>
        <translation>其中最多 </translation>
    </message>
    <message>
        <source> tokens of them</source>
        <translation> 个 token</translation>
    </message>
    <message>
        <source>no token budget</source>
        <translation>不限 token</translation>
    </message>
    <message>
        <source>answers up to </source>
        <translation>回答最多 </translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 个 token</translation>
    </message>
    <message>
        <source>answer length: server default</source>
        <translation>回答长度：服务器默认</translation>
    </message>
    <message>
        <source>System prompt and context</source>
        <translation>系统提示词与上下文</translation>
    </message>
    <message>
        <source>As Markdown…</source>
        <translation>导出为 Markdown…</translation>
    </message>
    <message>
        <source>As JSON…</source>
        <translation>导出为 JSON…</translation>
    </message>
    <message>
        <source>System prompt for this conversation (optional)</source>
        <translation>此对话的系统提示词（可选）</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Refresh the model list</source>
        <translation>刷新模型列表</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Messages sent with each question</source>
        <translation>每次提问发送的消息数</translation>
    </message>
    <message>
        <source>Token budget for the messages sent</source>
        <translation>所发送消息的 token 上限</translation>
    </message>
    <message>
        <source>Longest answer, in tokens</source>
        <translation>回答的最大 token 数</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
</context>
<context>
    <name>ChatPresenter</name>
    <message>
        <source>Add an OpenAI-compatible profile in Settings first.</source>
        <translation>请先在设置中添加一个 OpenAI 兼容配置。</translation>
    </message>
    <message>
        <source>An answer is still arriving: wait for it, or press Stop first.</source>
        <translation>回答仍在生成中：请等待完成，或先点击“停止”。</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <source>%1 Retrying in %2 s (attempt %3 of %4).</source>
        <translation>%1 将在 %2 秒后重试（第 %3 次，共 %4 次）。</translation>
    </message>
</context>
<context>
    <name>ComingSoonPage</name>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Midjourney</source>
        <translation>Midjourney</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>图库</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>用量</translation>
    </message>
    <message>
        <source>This part of Keyhold is still being built and arrives in a coming version. Your profiles are ready for it.</source>
        <translation>Keyhold 的这一部分仍在开发中，将在后续版本中推出。你的配置已为它准备就绪。</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Imagine</source>
        <translation>绘图</translation>
    </message>
    <message>
        <source>Add a Midjourney profile…</source>
        <translation>添加 Midjourney 配置…</translation>
    </message>
    <message>
        <source>Describe the image. Enter submits, Shift+Enter starts a new line.</source>
        <translation>描述你想要的画面。Enter 提交，Shift+Enter 换行。</translation>
    </message>
    <message>
        <source>Describe the image. Ctrl+Enter submits, Enter starts a new line.</source>
        <translation>描述你想要的画面。Ctrl+Enter 提交，Enter 换行。</translation>
    </message>
    <message>
        <source>Reference images: drop up to 5 here (optional)</source>
        <translation>参考图：最多 5 张，拖到这里（可选）</translation>
    </message>
    <message>
        <source>any</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Raw</source>
        <translation>Raw</translation>
    </message>
    <message>
        <source>words to leave out</source>
        <translation>要排除的内容</translation>
    </message>
    <message>
        <source>Aspect</source>
        <translation>比例</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Stylize</source>
        <translation>风格化</translation>
    </message>
    <message>
        <source>Chaos</source>
        <translation>混乱度</translation>
    </message>
    <message>
        <source>No</source>
        <translation>排除</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Reference images</source>
        <translation>参考图</translation>
    </message>
    <message>
        <source>Aspect ratio</source>
        <translation>宽高比</translation>
    </message>
    <message>
        <source>Raw style</source>
        <translation>Raw 风格</translation>
    </message>
    <message>
        <source>Leave out</source>
        <translation>排除</translation>
    </message>
    <message>
        <source>Add a Midjourney profile</source>
        <translation>添加 Midjourney 配置</translation>
    </message>
    <message>
        <source>Sends: %1</source>
        <translation>将发送：%1</translation>
    </message>
    <message numerus="yes">
        <source>(with %n reference image(s))</source>
        <translation>
            <numerusform>
            </numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ComposerPanel</name>
    <message>
        <source>Ask anything. Enter sends, Shift+Enter starts a new line.</source>
        <translation>输入问题。Enter 发送，Shift+Enter 换行。</translation>
    </message>
    <message>
        <source>Ask anything. Ctrl+Enter sends, Enter starts a new line.</source>
        <translation>输入问题。Ctrl+Enter 发送，Enter 换行。</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Attach images</source>
        <translation>添加图片</translation>
    </message>
    <message>
        <source>Stop the answer</source>
        <translation>停止回答</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) attached</source>
        <translation>
            <numerusform>
            </numerusform>
        </translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp *.gif)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp *.gif)</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>New folder…</source>
        <translation>新建文件夹…</translation>
    </message>
    <message>
        <source>Rename folder…</source>
        <translation>重命名文件夹…</translation>
    </message>
    <message>
        <source>Delete folder</source>
        <translation>删除文件夹</translation>
    </message>
    <message>
        <source>Show folder</source>
        <translation>显示文件夹</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>对话列表</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>撤销删除</translation>
    </message>
    <message>
        <source>Clear search</source>
        <translation>清除搜索</translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>All chats</source>
        <translation>全部对话</translation>
    </message>
    <message>
        <source>Deleted “%1”</source>
        <translation>已删除“%1”</translation>
    </message>
    <message>
        <source>Rename folder</source>
        <translation>重命名文件夹</translation>
    </message>
    <message>
        <source>New folder</source>
        <translation>新建文件夹</translation>
    </message>
    <message>
        <source>Folder name:</source>
        <translation>文件夹名称：</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Move to folder</source>
        <translation>移到文件夹</translation>
    </message>
    <message>
        <source>No folder</source>
        <translation>不放入文件夹</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>已置顶</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <source>Previous 7 days</source>
        <translation>过去 7 天</translation>
    </message>
    <message>
        <source>Previous 30 days</source>
        <translation>过去 30 天</translation>
    </message>
    <message>
        <source>MMMM yyyy</source>
        <translation>yyyy年M月</translation>
    </message>
    <message>
        <source>now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟前</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时前</translation>
    </message>
    <message>
        <source>MMM d</source>
        <translation>M月d日</translation>
    </message>
    <message>
        <source>MMM d, yyyy</source>
        <translation>yyyy年M月d日</translation>
    </message>
</context>
<context>
    <name>DetailPanel</name>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>100%</source>
        <translation>100%</translation>
    </message>
    <message>
        <source>Copy prompt</source>
        <translation>复制提示词</translation>
    </message>
    <message>
        <source>Reuse prompt</source>
        <translation>再次使用提示词</translation>
    </message>
    <message>
        <source>Edit with AI…</source>
        <translation>用 AI 编辑…</translation>
    </message>
    <message>
        <source>Favourite</source>
        <translation>收藏</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Midjourney buttons</source>
        <translation>Midjourney 按钮</translation>
    </message>
    <message>
        <source>Revised prompt</source>
        <translation>改写后的提示词</translation>
    </message>
    <message>
        <source>Final prompt</source>
        <translation>最终提示词</translation>
    </message>
    <message>
        <source>The file is missing: %1. Rescan to update the index, or delete the entry.</source>
        <translation>文件丢失：%1。重新扫描以更新索引，或删除此条目。</translation>
    </message>
    <message>
        <source>The file is damaged or not an image; it cannot be shown.</source>
        <translation>文件已损坏或不是图片，无法显示。</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>generated</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>编辑</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Invalid input</source>
        <translation>输入有误</translation>
    </message>
    <message>
        <source>Correct the highlighted value and try again.</source>
        <translation>请更正后重试。</translation>
    </message>
    <message>
        <source>Bad key: the server rejected the API key</source>
        <translation>密钥错误：服务器拒绝了该 API 密钥</translation>
    </message>
    <message>
        <source>Check the key of this profile, or rotate it (Settings → Profiles, or `keyhold profile rotate`).</source>
        <translation>请检查此配置的密钥，或更换密钥（设置 → 配置，或 `keyhold profile rotate`）。</translation>
    </message>
    <message>
        <source>Forbidden: the key may not do this, or your region is not served</source>
        <translation>禁止访问：该密钥无此权限，或服务不支持你所在的地区</translation>
    </message>
    <message>
        <source>Check the key&apos;s permissions, or use a relay that serves your region.</source>
        <translation>请检查密钥权限，或改用支持你所在地区的中转服务。</translation>
    </message>
    <message>
        <source>Out of credit: the account has no quota left</source>
        <translation>余额不足：该账户已无可用额度</translation>
    </message>
    <message>
        <source>Top up the account or switch to another profile. Keyhold does not retry this.</source>
        <translation>请充值或切换到其他配置。Keyhold 不会自动重试此类错误。</translation>
    </message>
    <message>
        <source>Rate limited: the server asks to slow down</source>
        <translation>请求过于频繁：服务器要求降低速度</translation>
    </message>
    <message>
        <source>Wait a moment and retry.</source>
        <translation>请稍等片刻后重试。</translation>
    </message>
    <message>
        <source>Wrong URL: the server returned a web page, not the API</source>
        <translation>地址错误：服务器返回的是网页，而不是 API</translation>
    </message>
    <message>
        <source>Use the API root, e.g. https://relay.example.com/v1, not the address of its web page.</source>
        <translation>请填写 API 根地址，例如 https://relay.example.com/v1，而不是其网页地址。</translation>
    </message>
    <message>
        <source>Not found: the server has no such model or endpoint</source>
        <translation>未找到：服务器上没有该模型或接口</translation>
    </message>
    <message>
        <source>Check the base URL and pick a model from the server&apos;s list.</source>
        <translation>请检查接口地址，并从服务器提供的列表中选择模型。</translation>
    </message>
    <message>
        <source>Not found: it is not stored here, or was deleted</source>
        <translation>未找到：此处没有保存它，或它已被删除</translation>
    </message>
    <message>
        <source>Check the id, or reload the list.</source>
        <translation>请检查 ID，或重新加载列表。</translation>
    </message>
    <message>
        <source>Unreachable: could not connect to the server</source>
        <translation>无法连接：连不上服务器</translation>
    </message>
    <message>
        <source>Check the address, your network, and any proxy or firewall.</source>
        <translation>请检查地址、网络以及代理或防火墙设置。</translation>
    </message>
    <message>
        <source>TLS problem: the server&apos;s certificate could not be verified</source>
        <translation>TLS 问题：无法验证服务器证书</translation>
    </message>
    <message>
        <source>Check the address. A relay with a self-signed or expired certificate must fix it.</source>
        <translation>请检查地址。使用自签名或已过期证书的中转服务需要自行修复证书。</translation>
    </message>
    <message>
        <source>Timeout: the server stopped answering</source>
        <translation>超时：服务器停止响应</translation>
    </message>
    <message>
        <source>Retry. If it keeps happening, the server or relay is overloaded.</source>
        <translation>请重试。如果一直出现，说明服务器或中转负载过高。</translation>
    </message>
    <message>
        <source>Server error: the server or a gateway failed</source>
        <translation>服务器错误：服务器或网关出现故障</translation>
    </message>
    <message>
        <source>Retry later. If it persists, the relay or provider is down.</source>
        <translation>请稍后重试。如果持续出现，说明中转或服务商暂时不可用。</translation>
    </message>
    <message>
        <source>Proxy problem</source>
        <translation>代理出错</translation>
    </message>
    <message>
        <source>Check the proxy address and that the proxy is running.</source>
        <translation>请检查代理地址，并确认代理正在运行。</translation>
    </message>
    <message>
        <source>Plain HTTP refused: the key would travel unencrypted</source>
        <translation>已拒绝明文 HTTP：密钥会以未加密方式传输</translation>
    </message>
    <message>
        <source>Use https://, or allow plain HTTP in the profile if you accept the risk.</source>
        <translation>请使用 https://；如果你接受风险，可在配置中允许明文 HTTP。</translation>
    </message>
    <message>
        <source>The server&apos;s answer was not understood</source>
        <translation>无法理解服务器的响应</translation>
    </message>
    <message>
        <source>Check that the base URL points at an OpenAI-compatible or midjourney-proxy API.</source>
        <translation>请确认接口地址指向 OpenAI 兼容或 midjourney-proxy 的 API。</translation>
    </message>
    <message>
        <source>Refused: the server asked for something unsafe</source>
        <translation>已拒绝：服务器的要求不安全</translation>
    </message>
    <message>
        <source>Keyhold does not fetch addresses on this computer or the local network that a server names, and does not resend a request to another server.</source>
        <translation>Keyhold 不会获取服务器指定的本机或局域网地址，也不会把请求转发到另一台服务器。</translation>
    </message>
    <message>
        <source>Too large: the server sent more than Keyhold reads</source>
        <translation>过大：服务器发送的数据超出了 Keyhold 的读取上限</translation>
    </message>
    <message>
        <source>Keyhold stopped reading and kept what arrived. Check the base URL; the relay is misbehaving.</source>
        <translation>Keyhold 已停止读取并保留了已收到的内容。请检查接口地址；该中转服务器行为异常。</translation>
    </message>
    <message>
        <source>No secure keyring is available</source>
        <translation>没有可用的安全钥匙串</translation>
    </message>
    <message>
        <source>Install or unlock your system keyring, or use session-only keys for this run.</source>
        <translation>请安装或解锁系统钥匙串，或在本次运行中使用仅会话密钥。</translation>
    </message>
    <message>
        <source>The keyring is locked, or unlocking was cancelled</source>
        <translation>钥匙串已锁定，或解锁被取消</translation>
    </message>
    <message>
        <source>Unlock your keyring and retry. Nothing was lost.</source>
        <translation>请解锁钥匙串后重试。没有任何数据丢失。</translation>
    </message>
    <message>
        <source>Could not read or write Keyhold&apos;s data</source>
        <translation>无法读写 Keyhold 的数据</translation>
    </message>
    <message>
        <source>Check free disk space and permissions.</source>
        <translation>请检查磁盘空间和权限。</translation>
    </message>
    <message>
        <source>The disk is full: this could not be saved</source>
        <translation>磁盘已满：无法保存</translation>
    </message>
    <message>
        <source>Free some disk space. An answer is shown whole and can be copied; then regenerate it.</source>
        <translation>请释放一些磁盘空间。回答会完整显示，可以复制；之后再重新生成。</translation>
    </message>
    <message>
        <source>Something went wrong inside Keyhold</source>
        <translation>Keyhold 内部出错</translation>
    </message>
    <message>
        <source>The details are in the log file.</source>
        <translation>详细信息已写入日志文件。</translation>
    </message>
    <message>
        <source>No profile named %1</source>
        <translation>没有名为 %1 的配置。</translation>
    </message>
    <message>
        <source>No conversation with id %1</source>
        <translation>没有 ID 为 %1 的对话。</translation>
    </message>
    <message>
        <source>No message with id %1</source>
        <translation>没有 ID 为 %1 的消息。</translation>
    </message>
    <message>
        <source>No Midjourney task with id %1</source>
        <translation>没有 ID 为 %1 的 Midjourney 任务。</translation>
    </message>
    <message>
        <source>No image with id %1</source>
        <translation>没有 ID 为 %1 的图片。</translation>
    </message>
    <message>
        <source>No folder with id %1</source>
        <translation>没有 id 为 %1 的文件夹</translation>
    </message>
    <message>
        <source>Install and unlock a Secret Service keyring: gnome-keyring (for example `sudo apt install gnome-keyring`), KWallet 5.97 or newer, or KeePassXC with Secret Service integration, inside a desktop session with D-Bus running. Then click “Retry the keyring”.</source>
        <translation>请安装并解锁一个 Secret Service 钥匙串：gnome-keyring（例如执行 `sudo apt install gnome-keyring`）、KWallet 5.97 或更新版本，或启用了 Secret Service 集成的 KeePassXC，并确保在运行 D-Bus 的桌面会话中使用。然后点击“重试钥匙串”。</translation>
    </message>
    <message>
        <source>Unlock the login keychain in Keychain Access, then retry.</source>
        <translation>请在“钥匙串访问”中解锁登录钥匙串，然后重试。</translation>
    </message>
    <message>
        <source>Make sure Windows Credential Manager is available for your account, then retry.</source>
        <translation>请确认你的账户可以使用 Windows 凭据管理器，然后重试。</translation>
    </message>
    <message>
        <source>Install a keyring supported by Python&apos;s keyring package.</source>
        <translation>请安装 Python keyring 库支持的钥匙串。</translation>
    </message>
    <message>
        <source>Server said: %1</source>
        <translation>服务器返回：%1</translation>
    </message>
    <message>
        <source>Keyhold error</source>
        <translation>Keyhold 错误</translation>
    </message>
    <message>
        <source>Error message</source>
        <translation>错误信息</translation>
    </message>
    <message>
        <source>No key arrived on standard input</source>
        <translation>标准输入中没有收到密钥。</translation>
    </message>
    <message>
        <source>Pipe the key in, e.g. `pass show x | keyhold …`</source>
        <translation>请通过管道传入密钥，例如 `pass show x | keyhold …`。</translation>
    </message>
    <message>
        <source>No key given</source>
        <translation>未提供密钥。</translation>
    </message>
    <message>
        <source>Use --key-stdin to read it from standard input</source>
        <translation>请使用 --key-stdin 从标准输入读取密钥。</translation>
    </message>
    <message>
        <source>Unknown action %1</source>
        <translation>未知操作 %1。</translation>
    </message>
    <message>
        <source>Nothing to change</source>
        <translation>没有要更改的内容</translation>
    </message>
    <message>
        <source>Pass --model, --proxy, --no-proxy or --base-url</source>
        <translation>请传入 --model、--proxy、--no-proxy 或 --base-url</translation>
    </message>
    <message>
        <source>Cannot read the reference image %1: %2</source>
        <translation>无法读取参考图片 %1：%2。</translation>
    </message>
    <message>
        <source>Cannot read the image %1: %2</source>
        <translation>无法读取图片 %1：%2。</translation>
    </message>
    <message>
        <source>Cannot read the mask %1: %2</source>
        <translation>无法读取蒙版 %1：%2。</translation>
    </message>
    <message>
        <source>Check the path</source>
        <translation>请检查路径。</translation>
    </message>
    <message>
        <source>The app&apos;s folder chooser names them</source>
        <translation>应用的文件夹选择框里列有它们的名称</translation>
    </message>
    <message>
        <source>`keyhold history list` shows the ids</source>
        <translation>`keyhold history list` 可列出所有 ID。</translation>
    </message>
    <message>
        <source>The server sent %1 MB without any text; Keyhold stopped reading</source>
        <translation>服务器发送了 %1 MB 数据却没有任何文字；Keyhold 已停止读取。</translation>
    </message>
    <message>
        <source>What arrived is kept; the relay is misbehaving</source>
        <translation>已收到的内容已保留；该中转服务行为异常。</translation>
    </message>
    <message>
        <source>The server sent a line longer than %1 MB without a break; Keyhold stopped reading</source>
        <translation>服务器发送的单行超过 %1 MB 且没有换行；Keyhold 已停止读取。</translation>
    </message>
    <message>
        <source>The prompt is empty</source>
        <translation>提示词为空。</translation>
    </message>
    <message>
        <source>Describe the image you want</source>
        <translation>请描述你想要的图片。</translation>
    </message>
    <message>
        <source>The prompt has %1 characters; %2 takes at most %3</source>
        <translation>提示词有 %1 个字符；%2 最多接受 %3 个。</translation>
    </message>
    <message>
        <source>Shorten the prompt</source>
        <translation>请缩短提示词。</translation>
    </message>
    <message>
        <source>%1 makes 1 to %2 images per request, not %3</source>
        <translation>%1 每次请求生成 1 到 %2 张图片，不能是 %3 张。</translation>
    </message>
    <message>
        <source>Lower the number of images</source>
        <translation>请减少图片数量。</translation>
    </message>
    <message>
        <source>Ask for one image at a time</source>
        <translation>请每次只生成一张图片。</translation>
    </message>
    <message>
        <source>dall-e-3 cannot edit images</source>
        <translation>dall-e-3 不能编辑图片。</translation>
    </message>
    <message>
        <source>Use gpt-image-1 or dall-e-2 to edit</source>
        <translation>请使用 gpt-image-1 或 dall-e-2 进行编辑。</translation>
    </message>
    <message>
        <source>%1 needs both sides of the size divisible by 16, not %2</source>
        <translation>%1 要求尺寸的宽和高都能被 16 整除，%2 不符合。</translation>
    </message>
    <message>
        <source>Round the width and height to a multiple of 16</source>
        <translation>请把宽和高调整为 16 的倍数。</translation>
    </message>
    <message>
        <source>%1 does not make %2 images</source>
        <translation>%1 不能生成 %2 的图片。</translation>
    </message>
    <message>
        <source>Choose one of %3</source>
        <translation>请从以下选项中选择：%3。</translation>
    </message>
    <message>
        <source>%1 %2 does not apply to %3</source>
        <translation>%1 %2 不适用于 %3。</translation>
    </message>
    <message>
        <source>Choose one of %4</source>
        <translation>请从以下选项中选择：%4。</translation>
    </message>
    <message>
        <source>A transparent background needs PNG or WebP output</source>
        <translation>透明背景需要输出 PNG 或 WebP 格式。</translation>
    </message>
    <message>
        <source>Choose PNG or WebP</source>
        <translation>请选择 PNG 或 WebP。</translation>
    </message>
    <message>
        <source>The provider&apos;s safety system refused this prompt</source>
        <translation>服务商的安全系统拒绝了这条提示词。</translation>
    </message>
    <message>
        <source>Rephrase the prompt; nothing was charged for a refused request on OpenAI</source>
        <translation>请换一种说法；在 OpenAI 上被拒绝的请求不会扣费。</translation>
    </message>
    <message>
        <source>An edit needs at least one image</source>
        <translation>编辑至少需要一张图片。</translation>
    </message>
    <message>
        <source>Pick an image from the gallery</source>
        <translation>请从图库中选择一张图片。</translation>
    </message>
    <message>
        <source>dall-e-2 edits one image at a time</source>
        <translation>dall-e-2 每次只能编辑一张图片。</translation>
    </message>
    <message>
        <source>Keep one image, or use gpt-image-1</source>
        <translation>请只保留一张图片，或改用 gpt-image-1。</translation>
    </message>
    <message>
        <source>Midjourney refused the prompt: it contains the banned word %1</source>
        <translation>Midjourney 拒绝了提示词：其中包含违禁词 %1。</translation>
    </message>
    <message>
        <source>Midjourney refused the prompt as possibly sensitive</source>
        <translation>Midjourney 认为提示词可能涉及敏感内容，已拒绝。</translation>
    </message>
    <message>
        <source>Rephrase the prompt without that word</source>
        <translation>请去掉该词后重新表述提示词。</translation>
    </message>
    <message>
        <source>The server rejected the request as invalid</source>
        <translation>服务器认为请求无效，已拒绝。</translation>
    </message>
    <message>
        <source>Check the prompt and images</source>
        <translation>请检查提示词和图片。</translation>
    </message>
    <message>
        <source>Blend takes 2 to 5 images</source>
        <translation>混合需要 2 到 5 张图片。</translation>
    </message>
    <message>
        <source>Choose between two and five images</source>
        <translation>请选择两到五张图片。</translation>
    </message>
    <message>
        <source>The aspect ratio %1 is not W:H</source>
        <translation>宽高比 %1 不是“宽:高”的形式。</translation>
    </message>
    <message>
        <source>Use whole numbers, like 16:9</source>
        <translation>请使用整数，例如 16:9。</translation>
    </message>
    <message>
        <source>Unknown version %1</source>
        <translation>未知版本 %1。</translation>
    </message>
    <message>
        <source>Choose one of: %2</source>
        <translation>请从以下选项中选择：%2。</translation>
    </message>
    <message>
        <source>Stylize goes from 0 to 1000</source>
        <translation>风格化的取值范围是 0 到 1000。</translation>
    </message>
    <message>
        <source>Pick a value in that range</source>
        <translation>请在该范围内选择一个值。</translation>
    </message>
    <message>
        <source>Chaos goes from 0 to 100</source>
        <translation>混乱度的取值范围是 0 到 100。</translation>
    </message>
    <message>
        <source>Task %1 has no button %2</source>
        <translation>任务 %1 没有按钮 %2。</translation>
    </message>
    <message>
        <source>Its buttons are: %3</source>
        <translation>它的按钮有：%3。</translation>
    </message>
    <message>
        <source>It has no buttons</source>
        <translation>它没有任何按钮。</translation>
    </message>
    <message>
        <source>The server&apos;s answer is larger than %1; Keyhold stopped reading it</source>
        <translation>服务器的响应超过 %1；Keyhold 已停止读取。</translation>
    </message>
    <message>
        <source>The server&apos;s answer is larger than %1 (it announced %2); Keyhold stopped reading it</source>
        <translation>服务器的响应超过 %1（它声明的大小为 %2）；Keyhold 已停止读取。</translation>
    </message>
    <message>
        <source>The server&apos;s image is larger than %1; Keyhold stopped reading it</source>
        <translation>服务器发送的图片超过 %1；Keyhold 已停止读取。</translation>
    </message>
    <message>
        <source>The server&apos;s image is larger than %1 (it announced %2); Keyhold stopped reading it</source>
        <translation>服务器发送的图片超过 %1（它声明的大小为 %2）；Keyhold 已停止读取。</translation>
    </message>
    <message>
        <source>The server&apos;s images answer is larger than %1; Keyhold stopped reading it</source>
        <translation>服务器的图片响应超过 %1；Keyhold 已停止读取。</translation>
    </message>
    <message>
        <source>The server&apos;s images answer is larger than %1 (it announced %2); Keyhold stopped reading it</source>
        <translation>服务器的图片响应超过 %1（它声明的大小为 %2）；Keyhold 已停止读取。</translation>
    </message>
    <message>
        <source>The server&apos;s model list is larger than %1; Keyhold stopped reading it</source>
        <translation>服务器的模型列表超过 %1；Keyhold 已停止读取。</translation>
    </message>
    <message>
        <source>The server&apos;s model list is larger than %1 (it announced %2); Keyhold stopped reading it</source>
        <translation>服务器的模型列表超过 %1（它声明的大小为 %2）；Keyhold 已停止读取。</translation>
    </message>
    <message>
        <source>The server&apos;s task list is larger than %1; Keyhold stopped reading it</source>
        <translation>服务器的任务列表超过 %1；Keyhold 已停止读取。</translation>
    </message>
    <message>
        <source>The server&apos;s task list is larger than %1 (it announced %2); Keyhold stopped reading it</source>
        <translation>服务器的任务列表超过 %1（它声明的大小为 %2）；Keyhold 已停止读取。</translation>
    </message>
    <message>
        <source>Check the base URL; a server that sends this much is misbehaving</source>
        <translation>请检查接口地址；发送这么多数据的服务器行为异常。</translation>
    </message>
    <message>
        <source>The server named an address that is not a valid URL (its port is out of range)</source>
        <translation>服务器给出的地址不是有效的 URL（端口超出范围）。</translation>
    </message>
    <message>
        <source>Check the base URL; the server is misbehaving</source>
        <translation>请检查接口地址；该服务器行为异常。</translation>
    </message>
    <message>
        <source>Refused to fetch %1: the server named an address on this computer or the local network</source>
        <translation>已拒绝获取 %1：服务器给出的是本机或局域网中的地址。</translation>
    </message>
    <message>
        <source>Keyhold only fetches images from public addresses or from the profile&apos;s own server</source>
        <translation>Keyhold 只从公网地址或该配置自己的服务器获取图片。</translation>
    </message>
    <message>
        <source>The server redirected to an address that is not a valid URL</source>
        <translation>服务器重定向到了一个无效的 URL。</translation>
    </message>
    <message>
        <source>The server named an address that is not a valid URL</source>
        <translation>服务器给出的地址不是有效的 URL。</translation>
    </message>
    <message>
        <source>The server refused the request (HTTP %1)</source>
        <translation>服务器拒绝了请求（HTTP %1）。</translation>
    </message>
    <message>
        <source>See the server&apos;s message</source>
        <translation>请查看服务器返回的信息。</translation>
    </message>
    <message>
        <source>The URL scheme is not supported</source>
        <translation>不支持该 URL 协议。</translation>
    </message>
    <message>
        <source>Use https://</source>
        <translation>请使用 https://。</translation>
    </message>
    <message>
        <source>The API key is empty</source>
        <translation>API 密钥为空。</translation>
    </message>
    <message>
        <source>Paste the key from your provider or relay</source>
        <translation>请粘贴服务商或中转服务提供的密钥。</translation>
    </message>
    <message>
        <source>The API key contains spaces or line breaks</source>
        <translation>API 密钥中含有空格或换行。</translation>
    </message>
    <message>
        <source>Paste only the key itself</source>
        <translation>请只粘贴密钥本身。</translation>
    </message>
    <message>
        <source>The API key contains invisible characters</source>
        <translation>API 密钥中含有不可见字符。</translation>
    </message>
    <message>
        <source>Copy the key again</source>
        <translation>请重新复制密钥。</translation>
    </message>
    <message>
        <source>The API key contains the non-ASCII character %1 (U+%2); API keys are plain ASCII, so it was probably shortened when copied</source>
        <translation>API 密钥中含有非 ASCII 字符 %1（U+%2）；API 密钥只由 ASCII 字符组成，所以它很可能在复制时被截短了。</translation>
    </message>
    <message>
        <source>The API key contains the non-ASCII character %1 (U+%2); API keys are plain ASCII, so it was probably changed when copied</source>
        <translation>API 密钥中含有非 ASCII 字符 %1（U+%2）；API 密钥只由 ASCII 字符组成，所以它很可能在复制时被改动了。</translation>
    </message>
    <message>
        <source>Copy the whole key again from your provider or relay</source>
        <translation>请从服务商或中转服务处重新复制完整的密钥。</translation>
    </message>
    <message>
        <source>`keyhold profile list` shows the names</source>
        <translation>`keyhold profile list` 可列出所有配置名称。</translation>
    </message>
    <message>
        <source>The base URL of profile %1 is not in this session</source>
        <translation>配置 %1 的接口地址不在本次会话中。</translation>
    </message>
    <message>
        <source>The base URL of profile %1 is not in the keyring</source>
        <translation>配置 %1 的接口地址不在钥匙串中。</translation>
    </message>
    <message>
        <source>The API key of profile %1 is not in this session</source>
        <translation>配置 %1 的 API 密钥不在本次会话中。</translation>
    </message>
    <message>
        <source>The API key of profile %1 is not in the keyring</source>
        <translation>配置 %1 的 API 密钥不在钥匙串中。</translation>
    </message>
    <message>
        <source>Enter it again in Settings → Profiles, or run `keyhold profile rotate %2`</source>
        <translation>请在“设置 → 配置”中重新填写，或运行 `keyhold profile rotate %2`。</translation>
    </message>
    <message>
        <source>Profile %1 is not of kind %2</source>
        <translation>配置 %1 的类型不是 %2</translation>
    </message>
    <message>
        <source>`keyhold profile list` shows each profile&apos;s kind</source>
        <translation>`keyhold profile list` 会列出每个配置的类型</translation>
    </message>
    <message>
        <source>No profile of kind %1 exists</source>
        <translation>没有类型为 %1 的配置</translation>
    </message>
    <message>
        <source>Add one with `keyhold profile add`, or name one with -p</source>
        <translation>用 `keyhold profile add` 添加一个，或用 -p 指定配置</translation>
    </message>
    <message>
        <source>The profile name contains control characters, terminal escapes or invisible formatting (such as bidi overrides)</source>
        <translation>配置名称中含有控制字符、终端转义序列或不可见的格式字符（例如双向文本覆盖符）。</translation>
    </message>
    <message>
        <source>Type the name again with visible characters only</source>
        <translation>请只用可见字符重新输入名称。</translation>
    </message>
    <message>
        <source>The profile name is empty, too long or contains slashes</source>
        <translation>配置名称为空、过长或含有斜杠。</translation>
    </message>
    <message>
        <source>Use up to 63 characters without / or \</source>
        <translation>请使用不超过 63 个字符，且不含 / 或 \。</translation>
    </message>
    <message>
        <source>A profile named %1 already exists</source>
        <translation>名为 %1 的配置已存在。</translation>
    </message>
    <message>
        <source>Choose another name</source>
        <translation>请换一个名称。</translation>
    </message>
    <message>
        <source>Install and unlock a Secret Service keyring: gnome-keyring (for example `sudo apt install gnome-keyring`) or KWallet 5.97+, or KeePassXC with Secret Service integration, inside a desktop session with D-Bus running</source>
        <translation>请安装并解锁一个 Secret Service 钥匙串：gnome-keyring（例如执行 `sudo apt install gnome-keyring`）、KWallet 5.97 或更新版本，或启用了 Secret Service 集成的 KeePassXC，并确保在运行 D-Bus 的桌面会话中使用。</translation>
    </message>
    <message>
        <source>Unlock the login keychain in Keychain Access, then retry</source>
        <translation>请在“钥匙串访问”中解锁登录钥匙串，然后重试。</translation>
    </message>
    <message>
        <source>Make sure Windows Credential Manager is available for your account, then retry</source>
        <translation>请确认你的账户可以使用 Windows 凭据管理器，然后重试。</translation>
    </message>
    <message>
        <source>Install a keyring supported by the Python keyring package, then retry</source>
        <translation>请安装一个 Python keyring 包支持的钥匙串，然后重试。</translation>
    </message>
    <message>
        <source>No secure keyring is available (%1)</source>
        <translation>没有可用的安全钥匙串（%1）。</translation>
    </message>
    <message>
        <source>The keyring failed to read a secret (%1)</source>
        <translation>钥匙串读取机密信息失败（%1）。</translation>
    </message>
    <message>
        <source>The keyring failed to store a secret (%1)</source>
        <translation>钥匙串保存机密信息失败（%1）。</translation>
    </message>
    <message>
        <source>The keyring failed to delete a secret (%1)</source>
        <translation>钥匙串删除机密信息失败（%1）。</translation>
    </message>
    <message>
        <source>The keyring failed to open the keyring (%1)</source>
        <translation>无法打开钥匙串（%1）。</translation>
    </message>
    <message>
        <source>No keyring is available</source>
        <translation>没有可用的钥匙串。</translation>
    </message>
    <message>
        <source>Check that your keyring service is running and unlocked, then retry</source>
        <translation>请确认钥匙串服务正在运行且已解锁，然后重试。</translation>
    </message>
    <message>
        <source>Refusing the keyring backend %1: %2</source>
        <translation>拒绝使用钥匙串后端 %1：%2。</translation>
    </message>
    <message>
        <source>This value is too long for the OS keyring (Windows allows 1,280 characters)</source>
        <translation>该值对系统钥匙串来说过长（Windows 最多允许 1,280 个字符）。</translation>
    </message>
    <message>
        <source>Check that you pasted only the key</source>
        <translation>请确认只粘贴了密钥本身。</translation>
    </message>
    <message>
        <source>The answer could not be saved</source>
        <translation>无法保存回答。</translation>
    </message>
    <message>
        <source>Check free disk space and permissions; the whole answer is shown and can be copied</source>
        <translation>请检查磁盘空间和权限；完整的回答仍在显示，可以复制。</translation>
    </message>
    <message>
        <source>The message is empty</source>
        <translation>消息为空。</translation>
    </message>
    <message>
        <source>Type a question or attach an image</source>
        <translation>请输入问题或附加一张图片。</translation>
    </message>
    <message>
        <source>Only an answer can be regenerated</source>
        <translation>只有回答可以重新生成。</translation>
    </message>
    <message>
        <source>Only your own messages can be edited</source>
        <translation>只能编辑你自己的消息。</translation>
    </message>
    <message>
        <source>Type a question</source>
        <translation>请输入问题。</translation>
    </message>
    <message>
        <source>Only an answer can be continued</source>
        <translation>只有回答可以继续生成。</translation>
    </message>
    <message>
        <source>Pick a model: the server lists no chat model</source>
        <translation>请选择模型：服务器没有列出可用于聊天的模型</translation>
    </message>
    <message>
        <source>Type the model&apos;s name in the model box, then regenerate</source>
        <translation>在模型框中输入模型名称，然后重新生成</translation>
    </message>
    <message>
        <source>This conversation has no profile</source>
        <translation>此对话没有关联配置。</translation>
    </message>
    <message>
        <source>Choose a profile, then regenerate</source>
        <translation>请选择一个配置，然后重新生成。</translation>
    </message>
    <message>
        <source>Unexpected error while answering (%1)</source>
        <translation>生成回答时发生意外错误（%1）。</translation>
    </message>
    <message>
        <source>What arrived is kept; details are in the log</source>
        <translation>已收到的内容已保留；详细信息见日志。</translation>
    </message>
    <message>
        <source>The image is larger than 20 MB</source>
        <translation>图片大于 20 MB。</translation>
    </message>
    <message>
        <source>Attach a smaller image</source>
        <translation>请附加更小的图片。</translation>
    </message>
    <message>
        <source>%1 is not a PNG, JPEG, WebP or GIF image</source>
        <translation>%1 不是 PNG、JPEG、WebP 或 GIF 图片。</translation>
    </message>
    <message>
        <source>Attach an image</source>
        <translation>请附加一张图片。</translation>
    </message>
    <message>
        <source>The file is not a PNG, JPEG, WebP or GIF image</source>
        <translation>该文件不是 PNG、JPEG、WebP 或 GIF 图片。</translation>
    </message>
    <message>
        <source>Choose an OpenAI-compatible profile</source>
        <translation>请选择一个 OpenAI 兼容配置。</translation>
    </message>
    <message>
        <source>Choose an OpenAI-compatible profile for chat</source>
        <translation>请选择一个 OpenAI 兼容配置用于对话。</translation>
    </message>
    <message>
        <source>Choose an OpenAI-compatible profile to generate images</source>
        <translation>请选择一个 OpenAI 兼容配置用于生成图片。</translation>
    </message>
    <message>
        <source>Profile %1 is not a Midjourney profile</source>
        <translation>配置 %1 不是 Midjourney 配置。</translation>
    </message>
    <message>
        <source>Choose a profile of kind midjourney</source>
        <translation>请选择类型为 midjourney 的配置。</translation>
    </message>
    <message>
        <source>Profile %1 is a Midjourney profile</source>
        <translation>配置 %1 是 Midjourney 配置。</translation>
    </message>
    <message>
        <source>Refused to write outside the gallery folder</source>
        <translation>已拒绝写入图库文件夹以外的位置。</translation>
    </message>
    <message>
        <source>This is a bug; report it</source>
        <translation>这是一个程序缺陷，请报告它。</translation>
    </message>
    <message>
        <source>%1 is not a folder</source>
        <translation>%1 不是文件夹。</translation>
    </message>
    <message>
        <source>Choose a folder that holds images</source>
        <translation>请选择一个包含图片的文件夹。</translation>
    </message>
    <message>
        <source>The mask must be a PNG with transparency</source>
        <translation>蒙版必须是带透明度的 PNG 图片。</translation>
    </message>
    <message>
        <source>Paint the mask again</source>
        <translation>请重新绘制蒙版。</translation>
    </message>
    <message>
        <source>An image could not be had</source>
        <translation>有一张图片未能取得。</translation>
    </message>
    <message>
        <source>Image %1 was saved without its details (%2)</source>
        <translation>第 %1 张图片已保存，但其详细信息未能保存（%2）。</translation>
    </message>
    <message>
        <source>Image %1 could not be written (%2)</source>
        <translation>第 %1 张图片无法写入（%2）。</translation>
    </message>
    <message>
        <source>Free some disk space</source>
        <translation>请释放一些磁盘空间。</translation>
    </message>
    <message>
        <source>%1 cannot be read (%2)</source>
        <translation>无法读取 %1（%2）。</translation>
    </message>
    <message>
        <source>Pick another image</source>
        <translation>请选择另一张图片。</translation>
    </message>
    <message>
        <source>%1 is not a PNG, JPEG or WebP image</source>
        <translation>%1 不是 PNG、JPEG 或 WebP 图片。</translation>
    </message>
    <message>
        <source>%1 is larger than 50 MB</source>
        <translation>%1 大于 50 MB。</translation>
    </message>
    <message>
        <source>Pick a smaller image</source>
        <translation>请选择更小的图片。</translation>
    </message>
    <message>
        <source>A reference image is not a PNG, JPEG, GIF or WebP image</source>
        <translation>有一张参考图片不是 PNG、JPEG、GIF 或 WebP 图片。</translation>
    </message>
    <message>
        <source>A reference image is %2 MB; servers take at most %3 MB</source>
        <translation>有一张参考图片为 %2 MB；服务器最多接受 %3 MB。</translation>
    </message>
    <message>
        <source>The image to describe is not a PNG, JPEG, GIF or WebP image</source>
        <translation>要生成描述的图片不是 PNG、JPEG、GIF 或 WebP 图片。</translation>
    </message>
    <message>
        <source>The image to describe is %2 MB; servers take at most %3 MB</source>
        <translation>要生成描述的图片为 %2 MB；服务器最多接受 %3 MB。</translation>
    </message>
    <message>
        <source>Image %1 is not a PNG, JPEG, GIF or WebP image</source>
        <translation>第 %1 张图片不是 PNG、JPEG、GIF 或 WebP 图片。</translation>
    </message>
    <message>
        <source>Image %1 is %2 MB; servers take at most %3 MB</source>
        <translation>第 %1 张图片为 %2 MB；服务器最多接受 %3 MB。</translation>
    </message>
    <message>
        <source>The mask is not a PNG, JPEG, GIF or WebP image</source>
        <translation>蒙版不是 PNG、JPEG、GIF 或 WebP 图片。</translation>
    </message>
    <message>
        <source>The mask is %2 MB; servers take at most %3 MB</source>
        <translation>蒙版为 %2 MB；服务器最多接受 %3 MB。</translation>
    </message>
    <message>
        <source>Choose an image file</source>
        <translation>请选择一个图片文件。</translation>
    </message>
    <message>
        <source>Use a smaller or more compressed image</source>
        <translation>请使用更小或压缩率更高的图片。</translation>
    </message>
    <message>
        <source>Describe the image to draw</source>
        <translation>请描述要绘制的图片。</translation>
    </message>
    <message>
        <source>At most 5 reference images</source>
        <translation>最多只能有 5 张参考图片。</translation>
    </message>
    <message>
        <source>Remove some of the images</source>
        <translation>请移除部分图片。</translation>
    </message>
    <message>
        <source>Unknown dimensions %1</source>
        <translation>未知尺寸 %1。</translation>
    </message>
    <message>
        <source>Use PORTRAIT, SQUARE or LANDSCAPE</source>
        <translation>请使用 PORTRAIT、SQUARE 或 LANDSCAPE。</translation>
    </message>
    <message>
        <source>Enter the prompt to shorten</source>
        <translation>请输入要精简的提示词。</translation>
    </message>
    <message>
        <source>This server does not look up seeds</source>
        <translation>此服务器不支持查询种子。</translation>
    </message>
    <message>
        <source>Seed lookup needs a trueai/plus server or a relay that offers it</source>
        <translation>查询种子需要 trueai/plus 服务器，或提供该功能的中转服务。</translation>
    </message>
    <message>
        <source>The server does not know task %1</source>
        <translation>服务器上没有任务 %1。</translation>
    </message>
    <message>
        <source>Check the id with `keyhold mj tasks`</source>
        <translation>请用 `keyhold mj tasks` 核对 ID。</translation>
    </message>
    <message>
        <source>Vary (Region) needs a mask of the part to redraw</source>
        <translation>局部重绘需要一个标出重绘区域的蒙版。</translation>
    </message>
    <message>
        <source>Paint the region in the app, or pass --mask FILE.png (white where to redraw)</source>
        <translation>请在应用中绘制区域，或传入 --mask FILE.png（白色部分为要重绘的区域）。</translation>
    </message>
    <message>
        <source>Custom Zoom needs a prompt with --zoom (1 to 2)</source>
        <translation>自定义缩放需要带有 --zoom（1 到 2）的提示词。</translation>
    </message>
    <message>
        <source>For example: %1 --zoom 1.5</source>
        <translation>例如：%1 --zoom 1.5。</translation>
    </message>
    <message>
        <source>Task %1 has no saved image</source>
        <translation>任务 %1 没有已保存的图片。</translation>
    </message>
    <message>
        <source>Wait until its image is saved</source>
        <translation>请等到它的图片保存完成。</translation>
    </message>
    <message>
        <source>Task %1 waits for a prompt or a mask</source>
        <translation>任务 %1 正在等待提示词或蒙版。</translation>
    </message>
    <message>
        <source>Confirm it in the app, or press the button again with --prompt/--mask</source>
        <translation>请在应用中确认，或带上 --prompt/--mask 再次按下该按钮。</translation>
    </message>
    <message>
        <source>The server named an image address Keyhold will not fetch (no address)</source>
        <translation>服务器给出的图片地址 Keyhold 不会获取（没有地址）。</translation>
    </message>
    <message>
        <source>The server named an image address Keyhold will not fetch (too long)</source>
        <translation>服务器给出的图片地址 Keyhold 不会获取（地址过长）。</translation>
    </message>
    <message>
        <source>The server named an image address Keyhold will not fetch (spaces or control characters)</source>
        <translation>服务器给出的图片地址 Keyhold 不会获取（含有空格或控制字符）。</translation>
    </message>
    <message>
        <source>The server named an image address Keyhold will not fetch (not a valid URL)</source>
        <translation>服务器给出的图片地址 Keyhold 不会获取（不是有效的 URL）。</translation>
    </message>
    <message>
        <source>The server named an image address Keyhold will not fetch (not an http or https address)</source>
        <translation>服务器给出的图片地址 Keyhold 不会获取（不是 http 或 https 地址）。</translation>
    </message>
    <message>
        <source>The server is misbehaving; ask its owner, or run the task again</source>
        <translation>该服务器行为异常；请联系其管理者，或重新运行任务。</translation>
    </message>
    <message>
        <source>The settings file %1 is damaged and could not be moved aside, so it is not overwritten</source>
        <translation>设置文件 %1 已损坏且无法移到一旁，因此不会被覆盖。</translation>
    </message>
    <message>
        <source>Move it away or fix its permissions, then restart Keyhold</source>
        <translation>请把它移走或修正其权限，然后重启 Keyhold。</translation>
    </message>
    <message>
        <source>The id %1 matches several conversations</source>
        <translation>ID %1 匹配到多个对话。</translation>
    </message>
    <message>
        <source>Give more characters</source>
        <translation>请输入更多字符。</translation>
    </message>
    <message>
        <source>Keyhold&apos;s database could not be read or written (%1)</source>
        <translation>无法读写 Keyhold 的数据库（%1）。</translation>
    </message>
    <message>
        <source>Check free disk space and permissions; if it persists, restart Keyhold</source>
        <translation>请检查磁盘空间和权限；如果问题持续，请重启 Keyhold。</translation>
    </message>
    <message>
        <source>The database could not be opened (%1)</source>
        <translation>无法打开数据库（%1）。</translation>
    </message>
    <message>
        <source>Check free disk space and permissions</source>
        <translation>请检查磁盘空间和权限。</translation>
    </message>
    <message>
        <source>The database was written by a newer Keyhold (schema %1, this one knows %2)</source>
        <translation>数据库由更新版本的 Keyhold 写入（结构版本 %1，当前版本只支持到 %2）。</translation>
    </message>
    <message>
        <source>Update Keyhold; your data is untouched</source>
        <translation>请更新 Keyhold；你的数据未被改动。</translation>
    </message>
    <message>
        <source>Upgrading the database to schema %1 failed (%2: %3)</source>
        <translation>将数据库升级到结构版本 %1 失败（%2：%3）。</translation>
    </message>
    <message>
        <source>Nothing was changed; a copy is in %4</source>
        <translation>没有任何改动；副本保存在 %4。</translation>
    </message>
    <message>
        <source>Nothing was changed</source>
        <translation>没有任何改动。</translation>
    </message>
    <message>
        <source>The database is not open</source>
        <translation>数据库尚未打开。</translation>
    </message>
    <message>
        <source>This is a bug; restart Keyhold</source>
        <translation>这是一个程序缺陷；请重启 Keyhold。</translation>
    </message>
    <message>
        <source>`keyhold gallery list` shows the images</source>
        <translation>`keyhold gallery list` 可列出所有图片。</translation>
    </message>
    <message>
        <source>Too many files named like %1</source>
        <translation>与 %1 同名的文件太多。</translation>
    </message>
    <message>
        <source>Choose an empty folder</source>
        <translation>请选择一个空文件夹。</translation>
    </message>
    <message>
        <source>`keyhold mj tasks` shows the ids</source>
        <translation>`keyhold mj tasks` 可列出所有 ID。</translation>
    </message>
    <message>
        <source>The base URL is not a valid address (check the host name, brackets and port)</source>
        <translation>接口地址不是有效的地址（请检查主机名、方括号和端口）。</translation>
    </message>
    <message>
        <source>The base URL contains non-ASCII characters in the host or port</source>
        <translation>接口地址的主机名或端口中含有非 ASCII 字符。</translation>
    </message>
    <message>
        <source>The proxy URL is not a valid address (check the host name, brackets and port)</source>
        <translation>代理地址不是有效的地址（请检查主机名、方括号和端口）。</translation>
    </message>
    <message>
        <source>The proxy URL contains non-ASCII characters in the host or port</source>
        <translation>代理地址的主机名或端口中含有非 ASCII 字符。</translation>
    </message>
    <message>
        <source>Use a form like https://host.example.com:8443 with ASCII characters only</source>
        <translation>请使用类似 https://host.example.com:8443 的形式，且只包含 ASCII 字符。</translation>
    </message>
    <message>
        <source>Check for full-width characters such as ： or ／ typed by an input method</source>
        <translation>请检查是否有输入法打出的全角字符，例如 ： 或 ／。</translation>
    </message>
    <message>
        <source>The base URL is empty</source>
        <translation>接口地址为空。</translation>
    </message>
    <message>
        <source>Enter the server address, for example https://api.openai.com</source>
        <translation>请输入服务器地址，例如 https://api.openai.com。</translation>
    </message>
    <message>
        <source>The base URL has no scheme</source>
        <translation>接口地址缺少协议。</translation>
    </message>
    <message>
        <source>Start it with https:// (or http:// for a server on this computer)</source>
        <translation>请以 https:// 开头（本机上的服务器可用 http://）。</translation>
    </message>
    <message>
        <source>The base URL scheme %1 is not supported</source>
        <translation>不支持接口地址的协议 %1。</translation>
    </message>
    <message>
        <source>The base URL has no host name</source>
        <translation>接口地址缺少主机名。</translation>
    </message>
    <message>
        <source>Use a form like https://api.example.com</source>
        <translation>请使用类似 https://api.example.com 的形式。</translation>
    </message>
    <message>
        <source>The base URL must not contain ? or #</source>
        <translation>接口地址中不能包含 ? 或 #。</translation>
    </message>
    <message>
        <source>Remove everything from the ? or # on</source>
        <translation>请删除 ? 或 # 及其后的所有内容。</translation>
    </message>
    <message>
        <source>The base URL contains spaces</source>
        <translation>接口地址中含有空格。</translation>
    </message>
    <message>
        <source>Remove the spaces inside the address</source>
        <translation>请删除地址中的空格。</translation>
    </message>
    <message>
        <source>The proxy scheme %1 is not supported</source>
        <translation>不支持代理协议 %1。</translation>
    </message>
    <message>
        <source>The proxy URL has no scheme</source>
        <translation>代理地址缺少协议。</translation>
    </message>
    <message>
        <source>Use http://host:port, https://host:port or socks5://host:port</source>
        <translation>请使用 http://主机:端口、https://主机:端口 或 socks5://主机:端口。</translation>
    </message>
    <message>
        <source>The proxy URL needs a host and a port</source>
        <translation>代理地址需要包含主机和端口。</translation>
    </message>
    <message>
        <source>For example socks5://127.0.0.1:1080</source>
        <translation>例如 socks5://127.0.0.1:1080。</translation>
    </message>
    <message>
        <source>Import failed: %1</source>
        <translation>导入失败：%1。</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1。</translation>
    </message>
    <message>
        <source>No model to chat with: pass -m MODEL (this server lists none)</source>
        <translation>没有可用于聊天的模型：请传入 -m MODEL（此服务器没有列出任何模型）</translation>
    </message>
    <message>
        <source>No model to chat with: pass -m MODEL (this server offers: %1)</source>
        <translation>没有可用于聊天的模型：请传入 -m MODEL（此服务器提供：%1）</translation>
    </message>
    <message>
        <source>A folder needs a name</source>
        <translation>文件夹需要名称</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Search prompts</source>
        <translation>搜索提示词</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Search prompts…</source>
        <translation>搜索提示词…</translation>
    </message>
    <message>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>任意时间</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>今年</translation>
    </message>
    <message>
        <source>★ Favourites</source>
        <translation>★ 收藏</translation>
    </message>
    <message>
        <source>Import folder…</source>
        <translation>导入文件夹…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <source>Rebuild the index from the image files and their sidecars</source>
        <translation>根据图片文件及其元数据文件重建索引</translation>
    </message>
    <message>
        <source>All profiles</source>
        <translation>全部配置</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>
            </numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Gallery</name>
    <message>
        <source>OpenAI</source>
        <translation>OpenAI</translation>
    </message>
    <message>
        <source>Midjourney</source>
        <translation>Midjourney</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>File missing</source>
        <translation>文件丢失</translation>
    </message>
    <message>
        <source>Can&apos;t read this file</source>
        <translation>无法读取此文件</translation>
    </message>
</context>
<context>
    <name>GalleryPage</name>
    <message>
        <source>Images</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>No images yet. Images you generate, Midjourney results and images in chat answers appear here.</source>
        <translation>还没有图片。你生成的图片、Midjourney 结果以及对话回答中的图片都会出现在这里。</translation>
    </message>
    <message>
        <source>Prompt copied</source>
        <translation>提示词已复制</translation>
    </message>
    <message>
        <source>Import images from a folder</source>
        <translation>从文件夹导入图片</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n image(s).</source>
        <translation>
            <numerusform>
            </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n were already in the gallery.</source>
        <translation>
            <numerusform>
            </numerusform>
        </translation>
    </message>
    <message>
        <source>Export the selected images to a folder</source>
        <translation>将选中的图片导出到文件夹</translation>
    </message>
    <message>
        <source>Export every image shown to a folder</source>
        <translation>将当前显示的所有图片导出到文件夹</translation>
    </message>
    <message>
        <source>Exported %1 images to %2</source>
        <translation>已导出 %1 张图片到 %2</translation>
    </message>
    <message>
        <source>Rescan: %1 added, %2 missing, %3 damaged.</source>
        <translation>重新扫描：新增 %1，丢失 %2，损坏 %3。</translation>
    </message>
</context>
<context>
    <name>ImageParams</name>
    <message>
        <source>Profile</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>Style</source>
        <translation>风格</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>背景</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Moderation</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Compression</source>
        <translation>压缩</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>HD</source>
        <translation>高清</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <source>vivid</source>
        <translation>生动</translation>
    </message>
    <message>
        <source>natural</source>
        <translation>自然</translation>
    </message>
    <message>
        <source>transparent</source>
        <translation>透明</translation>
    </message>
    <message>
        <source>opaque</source>
        <translation>不透明</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
</context>
<context>
    <name>ImageStrip</name>
    <message>
        <source>Choose images</source>
        <translation>选择图片</translation>
    </message>
    <message>
        <source>Click to remove</source>
        <translation>点击移除</translation>
    </message>
    <message>
        <source>Remove image %1</source>
        <translation>移除图片 %1</translation>
    </message>
    <message>
        <source>Add images</source>
        <translation>添加图片</translation>
    </message>
</context>
<context>
    <name>ImagesDialog</name>
    <message>
        <source>Blend</source>
        <translation>混合</translation>
    </message>
    <message>
        <source>Drop 2 to 5 images here, or add them with +. Midjourney blends them into one.</source>
        <translation>把 2 到 5 张图片拖到这里，或用 + 添加。Midjourney 会把它们混合成一张。</translation>
    </message>
    <message>
        <source>Portrait (2:3)</source>
        <translation>纵向（2:3）</translation>
    </message>
    <message>
        <source>Square (1:1)</source>
        <translation>方形（1:1）</translation>
    </message>
    <message>
        <source>Landscape (3:2)</source>
        <translation>横向（3:2）</translation>
    </message>
    <message>
        <source>Describe</source>
        <translation>图生文</translation>
    </message>
    <message>
        <source>Drop an image here, or add it with +. Midjourney writes four prompts for it.</source>
        <translation>把一张图片拖到这里，或用 + 添加。Midjourney 会为它写出四条提示词。</translation>
    </message>
    <message>
        <source>Drop images here</source>
        <translation>把图片拖到这里</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图片</translation>
    </message>
</context>
<context>
    <name>ImagesPage</name>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Describe the image. Enter generates, Shift+Enter starts a new line.</source>
        <translation>描述你想要的图片。Enter 生成，Shift+Enter 换行。</translation>
    </message>
    <message>
        <source>Describe the image. Ctrl+Enter generates, Enter starts a new line.</source>
        <translation>描述你想要的图片。Ctrl+Enter 生成，Enter 换行。</translation>
    </message>
    <message>
        <source>Paint mask…</source>
        <translation>绘制蒙版…</translation>
    </message>
    <message>
        <source>Paint the part of the first image to redraw</source>
        <translation>在第一张图片上涂出要重绘的部分</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>清除蒙版</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Last result — click an image to see it in the gallery</source>
        <translation>最近结果 — 点击图片可在图库中查看</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Mask painted</source>
        <translation>已绘制蒙版</translation>
    </message>
    <message>
        <source>%1 cannot edit images; choose gpt-image-1 or dall-e-2.</source>
        <translation>%1 不能编辑图片；请选择 gpt-image-1 或 dall-e-2。</translation>
    </message>
    <message>
        <source>The first image cannot be read.</source>
        <translation>无法读取第一张图片。</translation>
    </message>
    <message>
        <source>Paint the part to redraw</source>
        <translation>涂出要重绘的部分</translation>
    </message>
    <message>
        <source>Waiting for the server to draw… %1 s</source>
        <translation>等待服务器绘制… %1 秒</translation>
    </message>
    <message>
        <source>Receiving the images: %1 of %2 MB</source>
        <translation>正在接收图片：%1 / %2 MB</translation>
    </message>
    <message>
        <source>Receiving the images: %1 MB</source>
        <translation>正在接收图片：%1 MB</translation>
    </message>
    <message>
        <source>Downloading the image: %1 MB</source>
        <translation>正在下载图片：%1 MB</translation>
    </message>
    <message>
        <source>Add an OpenAI-compatible profile in Settings first.</source>
        <translation>请先在设置中添加一个 OpenAI 兼容配置。</translation>
    </message>
    <message>
        <source>Cancelled. A server may still finish (and charge for) the request.</source>
        <translation>已取消。服务器可能仍会完成该请求（并计费）。</translation>
    </message>
    <message>
        <source>Show in the gallery</source>
        <translation>在图库中查看</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) in %1 s</source>
        <translation>
            <numerusform>
            </numerusform>
        </translation>
    </message>
    <message>
        <source>Revised prompt: %1</source>
        <translation>改写后的提示词：%1</translation>
    </message>
    <message>
        <source>Tokens: %1</source>
        <translation>Token 数：%1</translation>
    </message>
</context>
<context>
    <name>Keyhold</name>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
</context>
<context>
    <name>KeyringBanner</name>
    <message>
        <source>Retry the keyring</source>
        <translation>重试钥匙串</translation>
    </message>
    <message>
        <source>Use session-only keys</source>
        <translation>使用仅会话密钥</translation>
    </message>
    <message>
        <source>Use session-only keys for this run</source>
        <translation>本次运行使用仅会话密钥</translation>
    </message>
    <message>
        <source>Session-only keys: keys you enter now are kept in memory and forgotten when Keyhold quits. Nothing is written to disk.</source>
        <translation>仅会话密钥：现在输入的密钥只保存在内存中，Keyhold 退出后即被清除，不会写入磁盘。</translation>
    </message>
    <message>
        <source>Keyhold never stores keys in a file. To keep keys between runs:</source>
        <translation>Keyhold 从不把密钥存入文件。若想在多次运行之间保留密钥：</translation>
    </message>
    <message>
        <source>Or use session-only keys: held in memory for this run only.</source>
        <translation>或者使用仅会话密钥：只在本次运行期间保存在内存中。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Midjourney</source>
        <translation>Midjourney</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>图库</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>用量</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Navigation</source>
        <translation>导航</translation>
    </message>
    <message>
        <source>Keys: OS keyring</source>
        <translation>密钥：系统钥匙串</translation>
    </message>
    <message>
        <source>Keys: this session only</source>
        <translation>密钥：仅本次会话</translation>
    </message>
    <message>
        <source>That Midjourney task is not in the task list any more.</source>
        <translation>该 Midjourney 任务已不在任务列表中。</translation>
    </message>
    <message>
        <source>Keys: no secure keyring</source>
        <translation>密钥：无安全钥匙串</translation>
    </message>
    <message>
        <source>This page has no search.</source>
        <translation>此页面没有搜索。</translation>
    </message>
    <message>
        <source>The last answer is copied.</source>
        <translation>已复制最后一条回答。</translation>
    </message>
    <message>
        <source>There is no answer to copy in the open conversation.</source>
        <translation>当前对话中没有可复制的回答。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New chat</source>
        <translation>新对话(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>搜索(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Copy last answer</source>
        <translation>复制最后一条回答(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Larger text</source>
        <translation>放大文字(&amp;L)</translation>
    </message>
    <message>
        <source>S&amp;maller text</source>
        <translation>缩小文字(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Actual text size</source>
        <translation>默认文字大小(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>前往(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>对话(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Midjourney</source>
        <translation>Midjourney(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Images</source>
        <translation>图片(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Gallery</source>
        <translation>图库(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Usage</source>
        <translation>用量(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About Keyhold</source>
        <translation>关于 Keyhold(&amp;A)</translation>
    </message>
    <message>
        <source>Menu bar</source>
        <translation>菜单栏</translation>
    </message>
    <message>
        <source>More menus</source>
        <translation>更多菜单</translation>
    </message>
    <message>
        <source>Keys: opening the keyring…</source>
        <translation>密钥：正在打开钥匙串…</translation>
    </message>
    <message numerus="yes">
        <source>The keyring is open; %n session-only secret(s) were saved into it.</source>
        <translation>
            <numerusform>
            </numerusform>
        </translation>
    </message>
    <message>
        <source>Profile saved. You&apos;re ready.</source>
        <translation>配置已保存，可以开始使用了。</translation>
    </message>
</context>
<context>
    <name>MaskCanvas</name>
    <message>
        <source>Area to redraw</source>
        <translation>要重绘的区域</translation>
    </message>
    <message>
        <source>Drag over the image to mark the area Midjourney should redraw. Ctrl+Z undoes.</source>
        <translation>在图片上拖动，标出要让 Midjourney 重绘的区域。Ctrl+Z 撤销。</translation>
    </message>
</context>
<context>
    <name>MaskDialog</name>
    <message>
        <source>Vary (Region)</source>
        <translation>局部重绘</translation>
    </message>
    <message>
        <source>Paint over the part to redraw. Midjourney keeps the rest.</source>
        <translation>涂抹要重绘的部分，其余部分 Midjourney 会保留。</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <source>Rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>橡皮擦</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Prompt for the region</source>
        <translation>该区域的提示词</translation>
    </message>
    <message>
        <source>Vary region</source>
        <translation>局部重绘</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Undo the last stroke (Ctrl+Z)</source>
        <translation>撤销上一笔（Ctrl+Z）</translation>
    </message>
    <message>
        <source>Brush size</source>
        <translation>画笔大小</translation>
    </message>
    <message>
        <source>Undo the last stroke</source>
        <translation>撤销上一笔</translation>
    </message>
    <message>
        <source>Clear the mask</source>
        <translation>清除蒙版</translation>
    </message>
</context>
<context>
    <name>MessageList</name>
    <message>
        <source>Show earlier messages</source>
        <translation>显示更早的消息</translation>
    </message>
    <message>
        <source>Start a conversation: pick a profile and a model, then ask.</source>
        <translation>开始对话：选择配置和模型，然后提问。</translation>
    </message>
</context>
<context>
    <name>MessageWidget</name>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Pick a model…</source>
        <translation>选择模型…</translation>
    </message>
    <message>
        <source>Save and send</source>
        <translation>保存并发送</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>思考过程</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>复制消息</translation>
    </message>
    <message>
        <source>Edit message</source>
        <translation>编辑消息</translation>
    </message>
    <message>
        <source>Regenerate answer</source>
        <translation>重新生成回答</translation>
    </message>
    <message>
        <source>Continue answer</source>
        <translation>继续回答</translation>
    </message>
    <message>
        <source>Pick a model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <source>Cancel editing</source>
        <translation>取消编辑</translation>
    </message>
    <message>
        <source>Show reasoning</source>
        <translation>显示思考过程</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <source>Edit message text</source>
        <translation>编辑消息内容</translation>
    </message>
    <message>
        <source>… [line cut for display: %1 characters — Copy gets the full text]</source>
        <translation>…［此行过长，仅显示开头：共 %1 个字符——“复制”可获得全文］</translation>
    </message>
    <message>
        <source>… [line cut for display: %1 characters — an export keeps the full text]</source>
        <translation>…［此行过长，仅显示开头：共 %1 个字符——导出的文件保留全文］</translation>
    </message>
    <message>
        <source>Pick a model: none was chosen and the server lists no chat model.</source>
        <translation>请选择模型：尚未选择模型，且服务器没有列出可用于聊天的模型。</translation>
    </message>
    <message>
        <source>Code copied</source>
        <translation>代码已复制</translation>
    </message>
    <message>
        <source>%1 in · %2 out</source>
        <translation>输入 %1 · 输出 %2</translation>
    </message>
    <message>
        <source>(%1 reasoning)</source>
        <translation>（思考 %1）</translation>
    </message>
    <message>
        <source>Answering…</source>
        <translation>正在回答…</translation>
    </message>
    <message>
        <source>Stopped. What arrived is kept.</source>
        <translation>已停止。已收到的内容已保留。</translation>
    </message>
    <message>
        <source>Interrupted: Keyhold closed before the answer finished. What arrived is kept.</source>
        <translation>已中断：回答完成前 Keyhold 已关闭。已收到的内容已保留。</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Cut off at the token limit.</source>
        <translation>已达到 token 上限，回答被截断。</translation>
    </message>
    <message>
        <source>Stopped by the provider&apos;s content filter.</source>
        <translation>已被服务商的内容过滤器中止。</translation>
    </message>
</context>
<context>
    <name>MidjourneyPage</name>
    <message>
        <source>Profile</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Describe…</source>
        <translation>图生文…</translation>
    </message>
    <message>
        <source>Blend…</source>
        <translation>混合…</translation>
    </message>
    <message>
        <source>Shorten prompt</source>
        <translation>精简提示词</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Midjourney profile</source>
        <translation>Midjourney 配置</translation>
    </message>
    <message>
        <source>Describe an image</source>
        <translation>为图片生成描述</translation>
    </message>
    <message>
        <source>Blend images</source>
        <translation>混合图片</translation>
    </message>
    <message>
        <source>Shorten the prompt</source>
        <translation>精简提示词</translation>
    </message>
    <message>
        <source>Add a Midjourney profile in Settings first.</source>
        <translation>请先在设置中添加一个 Midjourney 配置。</translation>
    </message>
    <message numerus="yes">
        <source>Queued: %n task(s) ahead.</source>
        <translation>
            <numerusform>
            </numerusform>
        </translation>
    </message>
    <message>
        <source>Submitted.</source>
        <translation>已提交。</translation>
    </message>
    <message>
        <source>Write a prompt first.</source>
        <translation>请先写提示词。</translation>
    </message>
    <message>
        <source>Write the prompt to shorten first.</source>
        <translation>请先写要精简的提示词。</translation>
    </message>
</context>
<context>
    <name>MjButtons</name>
    <message>
        <source>Vary (Subtle)</source>
        <translation>弱变化</translation>
    </message>
    <message>
        <source>Vary (Strong)</source>
        <translation>强变化</translation>
    </message>
    <message>
        <source>Vary (Region)</source>
        <translation>局部重绘</translation>
    </message>
    <message>
        <source>Zoom Out 2x</source>
        <translation>缩小 2 倍</translation>
    </message>
    <message>
        <source>Zoom Out 1.5x</source>
        <translation>缩小 1.5 倍</translation>
    </message>
    <message>
        <source>Custom Zoom</source>
        <translation>自定义缩放</translation>
    </message>
    <message>
        <source>Make Square</source>
        <translation>变为方形</translation>
    </message>
    <message>
        <source>Upscale (Subtle)</source>
        <translation>放大（细微）</translation>
    </message>
    <message>
        <source>Upscale (Creative)</source>
        <translation>放大（创意）</translation>
    </message>
    <message>
        <source>Imagine all</source>
        <translation>全部绘图</translation>
    </message>
    <message>
        <source>Reroll</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Describe again</source>
        <translation>重新图生文</translation>
    </message>
    <message>
        <source>Pan left</source>
        <translation>向左平移</translation>
    </message>
    <message>
        <source>Pan right</source>
        <translation>向右平移</translation>
    </message>
    <message>
        <source>Pan up</source>
        <translation>向上平移</translation>
    </message>
    <message>
        <source>Pan down</source>
        <translation>向下平移</translation>
    </message>
    <message>
        <source>Imagine %1</source>
        <translation>用第 %1 条绘图</translation>
    </message>
</context>
<context>
    <name>MjTasks</name>
    <message>
        <source>Imagine</source>
        <translation>绘图</translation>
    </message>
    <message>
        <source>Upscale</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Variation</source>
        <translation>变体</translation>
    </message>
    <message>
        <source>Reroll</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Vary (Region)</source>
        <translation>局部重绘</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Custom zoom</source>
        <translation>自定义缩放</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Describe</source>
        <translation>图生文</translation>
    </message>
    <message>
        <source>Blend</source>
        <translation>混合</translation>
    </message>
    <message>
        <source>Shorten</source>
        <translation>精简提示词</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Waiting for your prompt or mask</source>
        <translation>等待你提供提示词或蒙版</translation>
    </message>
    <message>
        <source>Done; saving the image…</source>
        <translation>已完成，正在保存图片…</translation>
    </message>
    <message>
        <source>Done; the image is not saved yet</source>
        <translation>已完成，图片尚未保存</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Connection trouble; retrying</source>
        <translation>连接出现问题，正在重试</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Drawing… %1%</source>
        <translation>绘制中… %1%</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>Midjourney: %1 finished</source>
        <translation>Midjourney：%1 已完成</translation>
    </message>
    <message>
        <source>Midjourney: %1 failed</source>
        <translation>Midjourney：%1 失败</translation>
    </message>
    <message>
        <source>Chat: the answer is ready</source>
        <translation>对话：回答已完成</translation>
    </message>
    <message>
        <source>Chat: the answer failed</source>
        <translation>对话：回答失败</translation>
    </message>
    <message>
        <source>Images: %n image(s) ready</source>
        <translation>图片：已生成 %n 张</translation>
    </message>
    <message>
        <source>Images: the generation failed</source>
        <translation>图片：生成失败</translation>
    </message>
    <message>
        <source>%n image(s) failed</source>
        <translation>%n 张失败</translation>
    </message>
</context>
<context>
    <name>OnboardingPage</name>
    <message>
        <source>Welcome to Keyhold</source>
        <translation>欢迎使用 Keyhold</translation>
    </message>
    <message>
        <source>Keyhold talks to OpenAI-compatible APIs and midjourney-proxy servers directly from this computer. There is no server in between: your API key and base URL go into the operating system&apos;s keyring and nowhere else, so no crawler can find them.

Add your first profile. “Test connection” checks the address and the key before you save.</source>
        <translation>Keyhold 直接从这台电脑连接 OpenAI 兼容 API 和 midjourney-proxy 服务器，中间没有任何服务器：你的 API 密钥和接口地址只保存在操作系统的钥匙串中，爬虫无从找到。

添加你的第一个配置。保存前可以用“测试连接”检查地址和密钥。</translation>
    </message>
</context>
<context>
    <name>OverflowBar</name>
    <message>
        <source>More actions</source>
        <translation>更多操作</translation>
    </message>
</context>
<context>
    <name>ProfileForm</name>
    <message>
        <source>&amp;Name</source>
        <translation>名称(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Kind</source>
        <translation>类型(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation>接口地址(&amp;B)</translation>
    </message>
    <message>
        <source>API &amp;key</source>
        <translation>API 密钥(&amp;K)</translation>
    </message>
    <message>
        <source>Default &amp;model</source>
        <translation>默认模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Auth header</source>
        <translation>认证头(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Proxy</source>
        <translation>代理(&amp;P)</translation>
    </message>
    <message>
        <source>Plain HTTP</source>
        <translation>明文 HTTP</translation>
    </message>
    <message>
        <source>OpenAI-compatible (chat and images)</source>
        <translation>OpenAI 兼容（对话与绘图）</translation>
    </message>
    <message>
        <source>Midjourney (midjourney-proxy)</source>
        <translation>Midjourney（midjourney-proxy）</translation>
    </message>
    <message>
        <source>mj-api-secret header (works everywhere)</source>
        <translation>mj-api-secret 请求头（通用）</translation>
    </message>
    <message>
        <source>Authorization: Bearer (some relays)</source>
        <translation>Authorization: Bearer（部分中转）</translation>
    </message>
    <message>
        <source>e.g. OpenAI, My relay</source>
        <translation>例如：OpenAI、我的中转</translation>
    </message>
    <message>
        <source>e.g. gpt-4o-mini (optional)</source>
        <translation>例如 gpt-4o-mini（可选）</translation>
    </message>
    <message>
        <source>optional: http://host:port or socks5://host:port (empty: the default proxy)</source>
        <translation>可选：http://主机:端口 或 socks5://主机:端口（留空则用默认代理）</translation>
    </message>
    <message>
        <source>Connect directly, not through the default proxy</source>
        <translation>直接连接，不经过默认代理</translation>
    </message>
    <message>
        <source>Allow plain HTTP to a non-local server</source>
        <translation>允许以明文 HTTP 连接非本机服务器</translation>
    </message>
    <message>
        <source>Warning: with plain HTTP the API key and every prompt travel unencrypted.</source>
        <translation>警告：使用明文 HTTP 时，API 密钥和每条提示词都以未加密方式传输。</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Save profile</source>
        <translation>保存配置(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Save changes</source>
        <translation>保存修改(&amp;S)</translation>
    </message>
    <message>
        <source>Replace key…</source>
        <translation>更换密钥…</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>配置名称</translation>
    </message>
    <message>
        <source>Profile kind</source>
        <translation>配置类型</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>接口地址</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Reveal or hide the API key</source>
        <translation>显示或隐藏 API 密钥</translation>
    </message>
    <message>
        <source>Replace the API key</source>
        <translation>更换 API 密钥</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>默认模型</translation>
    </message>
    <message>
        <source>Midjourney auth header</source>
        <translation>Midjourney 认证头</translation>
    </message>
    <message>
        <source>Proxy URL</source>
        <translation>代理地址</translation>
    </message>
    <message>
        <source>Allow plain HTTP</source>
        <translation>允许明文 HTTP</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>保存配置</translation>
    </message>
    <message>
        <source>Paste your API key; it goes straight into the OS keyring</source>
        <translation>粘贴 API 密钥，它将直接存入系统钥匙串</translation>
    </message>
    <message>
        <source>Stored only in: %1</source>
        <translation>仅保存在：%1</translation>
    </message>
    <message>
        <source>Stored key: %1</source>
        <translation>已保存的密钥：%1</translation>
    </message>
    <message>
        <source>Reading the key from the keyring…</source>
        <translation>正在从钥匙串读取密钥…</translation>
    </message>
    <message>
        <source>Paste the new key; it replaces the stored one on save</source>
        <translation>粘贴新密钥，保存时将替换旧密钥</translation>
    </message>
    <message>
        <source>The profile keeps its settings; only the key changes.</source>
        <translation>配置的其他设置保持不变，只更换密钥。</translation>
    </message>
    <message>
        <source>the OS keyring (%1)</source>
        <translation>系统钥匙串（%1）</translation>
    </message>
    <message>
        <source>memory, for this session only</source>
        <translation>内存，仅限本次会话</translation>
    </message>
    <message>
        <source>Requests go to %1</source>
        <translation>请求将发送到 %1</translation>
    </message>
    <message>
        <source>The base URL ends in /mj; Keyhold adds /mj/… itself. Remove it unless your server is really mounted there.</source>
        <translation>接口地址以 /mj 结尾，而 Keyhold 会自动添加 /mj/…。除非服务确实部署在该路径下，否则请去掉末尾的 /mj。</translation>
    </message>
    <message>
        <source>The URL pointed at an endpoint; only the base part is kept.</source>
        <translation>该地址指向了具体接口，已只保留基础部分。</translation>
    </message>
    <message>
        <source>Plain HTTP: the key travels unencrypted.</source>
        <translation>明文 HTTP：密钥将以未加密方式传输。</translation>
    </message>
    <message>
        <source>Plain HTTP to a non-local server is refused unless allowed below.</source>
        <translation>除非在下方允许，否则不会以明文 HTTP 连接非本机服务器。</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message numerus="yes">
        <source>OK: the server answered with %n model(s).</source>
        <translation>
            <numerusform>
            </numerusform>
        </translation>
    </message>
    <message>
        <source>OK: the midjourney-proxy API answered.</source>
        <translation>连接成功：midjourney-proxy API 已响应。</translation>
    </message>
    <message>
        <source>Saved. The key and base URL are in %1.</source>
        <translation>已保存。密钥和接口地址存放在 %1 中。</translation>
    </message>
</context>
<context>
    <name>ProfilesEditor</name>
    <message>
        <source>Profiles</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>&amp;New profile</source>
        <translation>新建配置(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>新建配置</translation>
    </message>
    <message>
        <source>Delete profile</source>
        <translation>删除配置</translation>
    </message>
    <message>
        <source>OpenAI</source>
        <translation>OpenAI</translation>
    </message>
    <message>
        <source>Midjourney</source>
        <translation>Midjourney</translation>
    </message>
    <message>
        <source>Delete the profile “%1” and remove its key and base URL from the keyring?</source>
        <translation>删除配置“%1”，并从钥匙串中移除它的密钥和接口地址吗？</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Keys stored in</source>
        <translation>密钥存放于</translation>
    </message>
    <message>
        <source>&amp;Long answers take at least</source>
        <translation>长回答的时长至少为(&amp;L)</translation>
    </message>
    <message>
        <source>Conversations, Midjourney tasks, the gallery, settings and logs live in this folder. API keys, base URLs and proxies are never written to it: they are kept as the next line says.</source>
        <translation>对话、Midjourney 任务、图库、设置和日志都在此文件夹中。API 密钥、Base URL 和代理从不写入这里，它们的保存位置见下一行。</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Send &amp;with</source>
        <translation>发送按键(&amp;W)</translation>
    </message>
    <message>
        <source>Enter (Shift+Enter for a new line)</source>
        <translation>Enter（Shift+Enter 换行）</translation>
    </message>
    <message>
        <source>Ctrl+Enter (Enter for a new line)</source>
        <translation>Ctrl+Enter（Enter 换行）</translation>
    </message>
    <message>
        <source>The key that sends a message or a prompt</source>
        <translation>发送消息或提示词的按键</translation>
    </message>
    <message>
        <source>Open the data folder</source>
        <translation>打开数据文件夹</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Go to %1</source>
        <translation>转到%1</translation>
    </message>
    <message>
        <source>Default &amp;proxy</source>
        <translation>默认代理(&amp;P)</translation>
    </message>
    <message>
        <source>none: http://host:port, https://… or socks5://host:port</source>
        <translation>无：http://主机:端口、https://… 或 socks5://主机:端口</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Used by every profile that has no proxy of its own, unless the profile connects directly. It is kept in the keyring with the keys, as it may hold a password.</source>
        <translation>没有自己代理的配置都会使用它，设为直接连接的配置除外。它可能含有密码，因此和密钥一起保存在钥匙串中。</translation>
    </message>
    <message>
        <source>Default proxy URL</source>
        <translation>默认代理地址</translation>
    </message>
    <message>
        <source>Apply the default proxy</source>
        <translation>应用默认代理</translation>
    </message>
    <message>
        <source>Tell me when work ends while Keyhold is in the background</source>
        <translation>Keyhold 在后台时，任务完成后通知我</translation>
    </message>
    <message>
        <source>Chat answers that take a while</source>
        <translation>耗时较长的聊天回答</translation>
    </message>
    <message>
        <source>Image generations</source>
        <translation>图片生成</translation>
    </message>
    <message>
        <source>Midjourney tasks</source>
        <translation>Midjourney 任务</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Seconds after which a chat answer is announced</source>
        <translation>聊天回答超过多少秒才通知</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <source>Copy the data folder&apos;s path</source>
        <translation>复制数据文件夹的路径</translation>
    </message>
    <message>
        <source>Default &amp;profile</source>
        <translation>默认配置(&amp;P)</translation>
    </message>
    <message>
        <source>Its default &amp;model</source>
        <translation>其默认模型(&amp;M)</translation>
    </message>
    <message>
        <source>Default &amp;Midjourney profile</source>
        <translation>默认 Midjourney 配置(&amp;M)</translation>
    </message>
    <message>
        <source>the server&apos;s first chat model</source>
        <translation>服务器的第一个聊天模型</translation>
    </message>
    <message>
        <source>Default model of the default profile</source>
        <translation>默认配置的默认模型</translation>
    </message>
    <message>
        <source>Load models</source>
        <translation>加载模型</translation>
    </message>
    <message>
        <source>The profile new conversations and images start with</source>
        <translation>新对话和图片生成默认使用的配置</translation>
    </message>
    <message>
        <source>The profile new Midjourney tasks start with</source>
        <translation>新 Midjourney 任务默认使用的配置</translation>
    </message>
    <message>
        <source>Load the server&apos;s models</source>
        <translation>加载服务器的模型列表</translation>
    </message>
    <message>
        <source>New conversations with %1 use %2.</source>
        <translation>%1 的新对话将使用 %2。</translation>
    </message>
    <message>
        <source>Keyhold is still starting: try again in a moment.</source>
        <translation>Keyhold 仍在启动，请稍后再试。</translation>
    </message>
    <message>
        <source>Loading models…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message numerus="yes">
        <source>%n model(s) to choose from.</source>
        <translation>
            <numerusform>可选 %n 个模型。</numerusform>
        </translation>
    </message>
    <message>
        <source>Saved: profiles without a proxy of their own now use it.</source>
        <translation>已保存：没有自己代理的配置现在会使用它。</translation>
    </message>
    <message>
        <source>No default proxy: profiles without a proxy of their own connect directly.</source>
        <translation>无默认代理：没有自己代理的配置将直接连接。</translation>
    </message>
    <message>
        <source>the OS keyring (%1)</source>
        <translation>系统钥匙串（%1）</translation>
    </message>
    <message>
        <source>memory only, for this run (no secure keyring)</source>
        <translation>仅内存，限本次运行（无安全钥匙串）</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Ctrl+Enter</source>
        <translation>Ctrl+Enter</translation>
    </message>
    <message>
        <source>Enter, Ctrl+Enter</source>
        <translation>Enter、Ctrl+Enter</translation>
    </message>
    <message>
        <source>Shift+Enter</source>
        <translation>Shift+Enter</translation>
    </message>
    <message>
        <source>Enter, Shift+Enter</source>
        <translation>Enter、Shift+Enter</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Midjourney</source>
        <translation>Midjourney</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>图库</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>用量</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Search the conversations or the gallery</source>
        <translation>搜索对话或图库</translation>
    </message>
    <message>
        <source>Send the message or the prompt</source>
        <translation>发送消息或提示词</translation>
    </message>
    <message>
        <source>New line in a message or a prompt</source>
        <translation>在消息或提示词中换行</translation>
    </message>
    <message>
        <source>Leave the message or prompt box for the next control</source>
        <translation>离开消息或提示词输入框，转到下一个控件</translation>
    </message>
    <message>
        <source>Stop the answer that is arriving</source>
        <translation>停止正在生成的回答</translation>
    </message>
    <message>
        <source>Copy the last answer of the open conversation</source>
        <translation>复制当前对话的最后一条回答</translation>
    </message>
    <message>
        <source>Rename the selected conversation</source>
        <translation>重命名所选对话</translation>
    </message>
    <message>
        <source>Delete the selected conversation or gallery images (with undo)</source>
        <translation>删除所选对话或图库图片（可撤销）</translation>
    </message>
    <message>
        <source>Larger or smaller text</source>
        <translation>放大或缩小文字</translation>
    </message>
    <message>
        <source>The system&apos;s text size</source>
        <translation>恢复系统文字大小</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>This list of keyboard shortcuts</source>
        <translation>显示本快捷键列表</translation>
    </message>
    <message>
        <source>Quit Keyhold</source>
        <translation>退出 Keyhold</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Keyhold can be used from the keyboard alone:</source>
        <translation>Keyhold 可以完全用键盘操作：</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
</context>
<context>
    <name>SourceStrip</name>
    <message>
        <source>Choose images to edit</source>
        <translation>选择要编辑的图片</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp)</translation>
    </message>
    <message>
        <source>%1 — click to remove</source>
        <translation>%1 — 点击移除</translation>
    </message>
    <message>
        <source>To edit: drop images here, or pick one in the gallery and press Edit with AI.</source>
        <translation>要编辑图片：把图片拖到这里，或在图库中选择一张并点击“用 AI 编辑”。</translation>
    </message>
    <message>
        <source>Add images to edit</source>
        <translation>添加要编辑的图片</translation>
    </message>
</context>
<context>
    <name>TaskActions</name>
    <message>
        <source>Custom Zoom</source>
        <translation>自定义缩放</translation>
    </message>
    <message>
        <source>Zoom out with this prompt. --zoom takes 1 to 2.</source>
        <translation>用这个提示词进行缩小。--zoom 取值 1 到 2。</translation>
    </message>
    <message>
        <source>The image is not saved yet; wait for it, then paint the region.</source>
        <translation>图片尚未保存；请等待保存完成后再涂抹区域。</translation>
    </message>
    <message>
        <source>The parent image is not in this list; paint the mask from it.</source>
        <translation>父任务的图片不在列表中；请从该图片上绘制蒙版。</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>The server asks for the prompt of this task (remix). Change it or keep it.</source>
        <translation>服务器要求为此任务提供提示词（Remix）。可以修改，也可以保持不变。</translation>
    </message>
    <message>
        <source>Submitted.</source>
        <translation>已提交。</translation>
    </message>
    <message>
        <source>Could not split the image: %1</source>
        <translation>无法切分图片：%1</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n image(s) beside the grid.</source>
        <translation>
            <numerusform>
            </numerusform>
        </translation>
    </message>
    <message>
        <source>Seed %1 copied.</source>
        <translation>种子 %1 已复制。</translation>
    </message>
</context>
<context>
    <name>TaskPanel</name>
    <message>
        <source>Give the prompt or mask…</source>
        <translation>提供提示词或蒙版…</translation>
    </message>
    <message>
        <source>Give the prompt or mask</source>
        <translation>提供提示词或蒙版</translation>
    </message>
    <message>
        <source>Try saving the image again</source>
        <translation>重新尝试保存图片</translation>
    </message>
    <message>
        <source>Split into 4</source>
        <translation>切成 4 张</translation>
    </message>
    <message>
        <source>Split the grid into four images</source>
        <translation>把四宫格切成四张图片</translation>
    </message>
    <message>
        <source>Open image</source>
        <translation>打开图片</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Copy prompt</source>
        <translation>复制提示词</translation>
    </message>
    <message>
        <source>Reuse prompt</source>
        <translation>再次使用提示词</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Look up the seed</source>
        <translation>查询种子</translation>
    </message>
    <message>
        <source>Task image</source>
        <translation>任务图片</translation>
    </message>
    <message>
        <source>Submit a prompt below; tasks appear on the left.</source>
        <translation>在下方提交提示词；任务会显示在左侧。</translation>
    </message>
    <message>
        <source>Waiting for the first preview…</source>
        <translation>等待第一张预览…</translation>
    </message>
    <message>
        <source>The image file is missing or damaged:
%1</source>
        <translation>图片文件丢失或已损坏：
%1</translation>
    </message>
    <message>
        <source>Task %1</source>
        <translation>任务 %1</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>来自 %1</translation>
    </message>
    <message>
        <source>seed %1</source>
        <translation>种子 %1</translation>
    </message>
    <message>
        <source>saved as %1</source>
        <translation>已保存为 %1</translation>
    </message>
    <message>
        <source>Server said: %1</source>
        <translation>服务器返回：%1</translation>
    </message>
    <message>
        <source>Imagine</source>
        <translation>绘图</translation>
    </message>
    <message>
        <source>Imagine prompt %1</source>
        <translation>用提示词 %1 绘图</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Put prompt %1 in the prompt box</source>
        <translation>把提示词 %1 放进输入框</translation>
    </message>
    <message>
        <source>Prompt copied.</source>
        <translation>提示词已复制。</translation>
    </message>
</context>
<context>
    <name>UndoBar</name>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) deleted.</source>
        <translation>
            <numerusform>
            </numerusform>
        </translation>
    </message>
    <message>
        <source>Ctrl+Z undoes.</source>
        <translation>按 Ctrl+Z 撤销。</translation>
    </message>
</context>
</TS>
