#!/usr/bin/python3
"""serve_browser.py - `fivestar serve` driven through headless Chromium.

Run by tests/test-serve.c (so it counts in `make test`), from the project's
root, with $FIVESTAR naming the binary.  The whole path of a clerk:
open the printed address, create a dossier, fill every field of the
example dossier (samples/mingli-2018.xml = spec/example.xml), enter all
33 scores (one of them wrong on purpose) and watch the total, fix the
wrong score from the diagnostics list, save, download the 评定标准 PDF
and compare it byte for byte with `fivestar render`'s.  It also checks
that the page's XML writer round-trips the example.

With $FIVESTAR_SHOTS set, screenshots of the main views go there.
Exits 0 when everything held, else 1 with the reason.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

FIVESTAR = os.path.abspath(os.environ.get('FIVESTAR', './fivestar'))
EXAMPLE = 'samples/mingli-2018.xml'
SHOTS = os.environ.get('FIVESTAR_SHOTS')


def fail(msg):
    print('serve_browser: FAIL: ' + msg)
    sys.exit(1)


def wait(what, cond, timeout=20.0):
    end = time.time() + timeout
    last = None
    while time.time() < end:
        try:
            last = cond()
            if last:
                return last
        except Exception as e:  # the page may be re-rendering
            last = e
        time.sleep(0.05)
    fail('timed out waiting for ' + what + ' (last: %r)' % (last,))


def shot(driver, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        driver.save_screenshot(os.path.join(SHOTS, name))


def main():
    ex = ET.parse(EXAMPLE).getroot()
    work = tempfile.mkdtemp(prefix='fivestar-browser-')
    folder = os.path.join(work, 'dossiers')
    downloads = os.path.join(work, 'downloads')
    os.makedirs(folder)
    os.makedirs(downloads)
    for f in os.listdir('samples'):
        if f.endswith('.xml') and f != 'mingli-2018.xml':
            shutil.copy(os.path.join('samples', f), folder)

    server = subprocess.Popen([FIVESTAR, 'serve', folder, '--port', '0', '--no-open'],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    address = server.stdout.readline().decode().strip()
    if not address.startswith('http://127.0.0.1:') or '/?token=' not in address:
        fail('first line is not the address: %r' % address)

    o = Options()
    o.binary_location = shutil.which('chromium') or '/usr/bin/chromium'
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
              '--window-size=1366,768', '--lang=zh-CN'):
        o.add_argument(a)
    o.add_experimental_option('prefs', {'download.default_directory': downloads,
                                        'download.prompt_for_download': False})
    driver = webdriver.Chrome(service=Service(shutil.which('chromedriver') or '/usr/bin/chromedriver'),
                              options=o)
    try:
        driver.execute_cdp_cmd('Page.setDownloadBehavior', {'behavior': 'allow', 'downloadPath': downloads})
        run(driver, address, folder, downloads, ex)
        errors = [l for l in driver.get_log('browser')
                  if l['level'] == 'SEVERE' and 'favicon' not in l['message']
                  and '409 (Conflict)' not in l['message']]   # the stale save, on purpose
        if errors:
            fail('errors in the browser console: %r' % errors)
    finally:
        driver.quit()
        server.send_signal(signal.SIGTERM)
        try:
            rc = server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            fail('serve did not stop on SIGTERM')
    if rc != 0:
        fail('serve exited with %d on SIGTERM' % rc)
    shutil.rmtree(work, ignore_errors=True)
    print('serve_browser: ok')


def by_id_label(driver, label):
    for l in driver.find_elements(By.CSS_SELECTOR, '.field > label'):
        if l.text == label:
            return l.get_attribute('for')
    return None


def fill(el, text):
    el.clear()
    el.send_keys(text)


def run(driver, address, folder, downloads, ex):
    by = driver.find_element
    driver.get(address)
    wait('the list', lambda: len(driver.find_elements(By.CSS_SELECTOR, '#dossiers tbody tr')) == 5)
    if 'token=' in driver.current_url:
        fail('the token stayed in the address: ' + driver.current_url)
    shot(driver, 'list.png')

    # The page's XML writer keeps every field of the example.
    with open(EXAMPLE, encoding='utf-8') as f:
        text = f.read()
    again = driver.execute_script('return new FS.Dossier(arguments[0]).serialize();', text)
    if ET.canonicalize(again, strip_text=True) != ET.canonicalize(text, strip_text=True):
        fail('the page does not round-trip the example')

    # A new dossier.
    fill(by(By.ID, 'new-name'), 'browser-test')
    by(By.ID, 'new-button').click()
    wait('the editor', lambda: by(By.ID, 'file-name').text == 'browser-test.xml')
    wait('the form', lambda: driver.find_elements(By.ID, 'score-33'))
    if not os.path.exists(os.path.join(folder, 'browser-test.xml')):
        fail('new did not create the file')
    wait('the problems of the blank dossier',
         lambda: len(driver.find_elements(By.CSS_SELECTOR, '#diags button.error')) > 33)
    if driver.switch_to.active_element.get_attribute('id') != by_id_label(driver, '党组织名称（全称）'):
        fail('a new dossier does not start in its first field')
    shot(driver, 'new.png')

    org = ex.find('organization')
    labels = {'name': '党组织名称（全称）', 'unit': '申报单位', 'town': '镇街（单位）', 'members': '党员人数',
              'founded': '党组织成立时间', 'leader': '党组织负责人', 'phone': '单位电话'}

    def by_label(label):
        for l in driver.find_elements(By.CSS_SELECTOR, '.field > label'):
            if l.text == label:
                return by(By.ID, l.get_attribute('for'))
        fail('no field labelled ' + label)

    for tag, label in labels.items():
        fill(by_label(label), org.find(tag).text)
    Select(by_label('已获评的星级')).select_by_value(org.find('star').text)
    fill(by_label('评定年度'), ex.get('year'))
    app = ex.find('application')
    fill(by_label('申报时间'), app.get('date'))
    Select(by_label('申报星级')).select_by_value(app.get('star'))

    def paragraphs(el):
        return '\n'.join(l.strip() for l in el.text.splitlines() if l.strip())

    fill(by_label('受表彰情况'), paragraphs(app.find('honors')))
    names = ['班子建设', '队伍建设', '阵地建设', '制度建设', '廉政建设', '品牌建设']
    for s in app.findall('situation'):
        fill(by_label(names[int(s.get('section')) - 1] + '情况'), paragraphs(s))
    fill(by_label('备注'), app.find('remark').text)

    # All 33 scores; item 19 wrong on purpose (6 on a 5-point item).
    for sc in ex.find('assessment').findall('score'):
        n = sc.get('item')
        pts = '6' if n == '19' else sc.get('points')
        fill(by(By.ID, 'score-' + n), pts)
        note = sc.find('note')
        if note is not None:
            fill(by(By.ID, 'note-' + n), note.text)
        for ev in sc.findall('evidence'):
            card = by(By.ID, 'item-' + n)
            card.find_element(By.XPATH, ".//button[contains(., '添加佐证材料')]").click()
            rows = card.find_elements(By.CSS_SELECTOR, '.evidence .ev')
            cap, href = rows[-1].find_elements(By.TAG_NAME, 'input')
            fill(cap, ev.text)
            if ev.get('href'):
                fill(href, ev.get('href'))
    if 'bad' not in by(By.ID, 'score-19').get_attribute('class'):
        fail('the score input took 6 on a 5-point item without complaint')

    st = ex.find('standing')
    standing_boxes = driver.find_elements(By.CSS_SELECTOR, '#sec-standing textarea')
    fill(standing_boxes[0], st.find('problems').text)
    fill(standing_boxes[1], st.find('plan').text)
    hist = by(By.ID, 'sec-history')
    for ev in ex.find('history').findall('event'):
        hist.find_element(By.XPATH, ".//button[contains(., '添加一个环节')]").click()
        row = hist.find_elements(By.CSS_SELECTOR, '.events .ev')[-1]
        date, text = row.find_elements(By.TAG_NAME, 'input')
        stage, result = row.find_elements(By.TAG_NAME, 'select')
        fill(date, ev.get('date'))
        driver.execute_script('arguments[0].value = arguments[1];'
                              'arguments[0].dispatchEvent(new Event("change"));', stage, ev.get('stage'))
        driver.execute_script('arguments[0].value = arguments[1];'
                              'arguments[0].dispatchEvent(new Event("change"));', result, ev.get('result') or '')
        if ev.text:
            fill(text, ev.text)

    # The diagnostics name item 19; the total is a draft meanwhile.
    def diag19():
        for b in driver.find_elements(By.CSS_SELECTOR, '#diags button'):
            if '第19项自评分 6 超过该项分值 5' in b.text:
                return b
        return None
    button = wait('the diagnostic of item 19', diag19)
    wait('the error of item 19 alone',
         lambda: len(driver.find_elements(By.CSS_SELECTOR, '#diags button.error')) == 1)
    if 'draft' not in by(By.ID, 'total').get_attribute('class'):
        fail('the total is not marked as a draft while the dossier has errors')
    if by(By.ID, 'total').text != '88':   # 93 less item 19, whose 6 does not count
        fail('the draft total is %s, not 88 (93 less the refused item 19)' % by(By.ID, 'total').text)
    driver.execute_script('document.getElementById("item-18").scrollIntoView();'
                          'window.scrollBy(0, -90);')
    shot(driver, 'edit-diagnostics.png')
    wait('a click on the diagnostic', lambda: diag19().click() or True)
    focused = driver.switch_to.active_element
    if focused.get_attribute('id') != 'score-19':
        fail('the diagnostic did not lead to item 19 but to %r' % focused.get_attribute('id'))
    focused.send_keys(Keys.BACKSPACE, '5')
    wait('the total of the example (93)',
         lambda: by(By.ID, 'total').text == '93' and 'draft' not in by(By.ID, 'total').get_attribute('class'))
    wait('the verdict', lambda: '达到“五星级党组织”标准' in by(By.ID, 'verdict').text)
    wait('no more errors', lambda: not driver.find_elements(By.CSS_SELECTOR, '#diags button.error'))
    if by(By.ID, 'side-sub-6').text != '5.5':
        fail('subtotal of 品牌建设 is %s, not 5.5' % by(By.ID, 'side-sub-6').text)
    driver.execute_script('document.getElementById("section-4").scrollIntoView();'
                          'window.scrollBy(0, -90);')
    shot(driver, 'edit-scores.png')

    # Save.
    by(By.ID, 'save').click()
    wait('saved', lambda: by(By.ID, 'status').text.startswith('已保存'))
    saved = os.path.join(folder, 'browser-test.xml')
    r = subprocess.run([FIVESTAR, 'validate', saved], capture_output=True, text=True)
    if r.returncode != 0:
        fail('the saved dossier does not validate: ' + r.stderr)
    r = subprocess.run([FIVESTAR, 'score', '--json', saved], capture_output=True, text=True)
    if '"total":93,' not in r.stdout:
        fail('the saved dossier scores ' + r.stdout)
    if SHOTS:
        shutil.copy(saved, SHOTS)

    # Another program saves the file meanwhile: the page's next save is
    # refused with a warning (its ETag is stale), then overwrites on request.
    with open(saved, 'a', encoding='utf-8') as f:
        f.write('<!-- 别处的修改 -->\n')
    fill(by(By.ID, 'note-33'), '临时')
    fill(by(By.ID, 'note-33'), '')
    by(By.ID, 'save').click()
    wait('the conflict warning', lambda: by(By.ID, 'conflict').is_displayed())
    if '别处' not in by(By.ID, 'conflict-text').text:
        fail('the conflict warning says ' + by(By.ID, 'conflict-text').text)
    with open(saved, encoding='utf-8') as f:
        if '别处的修改' not in f.read():
            fail('the stale save changed the file')
    shot(driver, 'conflict.png')
    by(By.ID, 'force').click()
    wait('saved over it', lambda: by(By.ID, 'status').text.startswith('已保存'))
    with open(saved, encoding='utf-8') as f:
        text = f.read()
        if '别处的修改' in text:
            fail('仍然保存 did not overwrite')
        if '临时' in text:
            fail('a note typed and cleared again stayed in the file')

    # Download the 评定标准 PDF; the same bytes as render of the saved file
    # and, since every field came through, as render of the example.
    out = os.path.join(os.path.dirname(folder), 'render')
    subprocess.run([FIVESTAR, 'render', saved, EXAMPLE, '-o', out], check=True, capture_output=True)
    by(By.CSS_SELECTOR, '[data-download="评定标准.pdf"]').click()
    got = os.path.join(downloads, 'browser-test-评定标准.pdf')
    wait('the download', lambda: os.path.exists(got) and os.path.getsize(got) > 0, 30)
    time.sleep(0.3)
    with open(got, 'rb') as f:
        pdf = f.read()
    for want in (os.path.join(out, 'browser-test', '评定标准.pdf'), os.path.join(out, 'mingli-2018', '评定标准.pdf')):
        with open(want, 'rb') as f:
            if f.read() != pdf:
                fail('the downloaded 评定标准.pdf differs from ' + want)
    for form in ('申报表.pdf', '申报表.docx'):
        with open(os.path.join(out, 'browser-test', form), 'rb') as a, \
                open(os.path.join(out, 'mingli-2018', form), 'rb') as b:
            if a.read() != b.read():
                fail(form + ' of the dossier made in the browser differs from the example\'s')

    # Preview.
    by(By.CSS_SELECTOR, '[data-form="申报表"]').click()
    wait('the preview', lambda: (by(By.ID, 'preview-frame').get_attribute('src') or '').startswith('blob:'))
    time.sleep(1.0)
    shot(driver, 'preview.png')
    driver.find_element(By.TAG_NAME, 'body').send_keys(Keys.ESCAPE)
    wait('the preview to close', lambda: not by(By.ID, 'preview').is_displayed())

    # Back to the list: the new dossier with its total.
    by(By.ID, 'back').click()
    wait('the list with the new dossier',
         lambda: any('browser-test.xml' in r.text and '93' in r.text
                     for r in driver.find_elements(By.CSS_SELECTOR, '#dossiers tbody tr')))

    # Encodings: a file saved as GBK by Notepad while its first line still
    # says UTF-8 is not opened (a save would overwrite every Chinese
    # character with U+FFFD); one with no declaration is read as GB18030,
    # as the command line reads it, and says so.
    with open(os.path.join('samples', 'hengtai-2018.xml'), encoding='utf-8') as f:
        utf8 = f.read()
    lying = utf8.encode('gb18030')
    bare = utf8.split('?>', 1)[1].lstrip().encode('gb18030')
    for name, data in (('gbk-lying.xml', lying), ('gbk-bare.xml', bare)):
        with open(os.path.join(folder, name), 'wb') as f:
            f.write(data)
    decode = ('const b = new Uint8Array(arguments[0]);'
              'try { return [FS.decode(b.buffer), FS.decode.note]; } catch (e) { return ["", e.message]; }')
    text, note = driver.execute_script(decode, list(lying))
    if text or '另存为' not in note:
        fail('a GBK file declared UTF-8 is decoded: %r' % note)
    text, note = driver.execute_script(decode, list(bare))
    if '恒泰' not in text or 'GB18030' not in note:
        fail('a GBK file without a declaration is not read as GB18030: %r' % note)
    # Values typed the Chinese way are shown in the form's choices and
    # saved canonically (是 → yes, 四星级 → 4).
    with open(os.path.join(folder, 'chinese.xml'), 'w', encoding='utf-8') as f:
        f.write(utf8.replace('<compliant>yes</compliant>', '<compliant>是</compliant>'))
    driver.get(address.split('/?')[0] + '/#/edit/chinese.xml')
    wait('the Chinese-spelled dossier', lambda: driver.find_elements(By.ID, 'score-33'))
    values = [o.get_attribute('value') for o in driver.find_elements(By.CSS_SELECTOR, 'select option:checked')]
    if 'yes' not in values or any(o.get_attribute('value') == '是'
                                  for o in driver.find_elements(By.CSS_SELECTOR, 'select option')):
        fail('是 is not shown as the choice yes: %r' % values)
    driver.get(address.split('/?')[0] + '/#/edit/gbk-lying.xml')
    wait('the refusal to open', lambda: '另存为' in by(By.ID, 'fields').text)
    shot(driver, 'encoding-refused.png')
    with open(os.path.join(folder, 'gbk-lying.xml'), 'rb') as f:
        if f.read() != lying:
            fail('opening a mis-encoded file changed it')


if __name__ == '__main__':
    main()
