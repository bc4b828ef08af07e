/* The top menu on a narrow screen (issue 17 point 2): below 760 px the links fold behind one
 * button; pressing it (mouse, Enter or Space) opens or closes them. Wider, the button is
 * hidden by the stylesheet and the links always show. Without scripts the links show. */
(function () {
  'use strict';
  var button = document.getElementById('menu-toggle');
  var header = button && button.closest('header.top');
  if (!header) { return; }
  header.classList.add('menu-folds');
  button.addEventListener('click', function () {
    var open = header.classList.toggle('menu-open');
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && header.classList.contains('menu-open')) {
      header.classList.remove('menu-open');
      button.setAttribute('aria-expanded', 'false');
      button.focus();
    }
  });
}());
